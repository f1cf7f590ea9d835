import type { Engine } from '../adapter.js';

/** What a connection URL's query contributes to the settings. */
export interface UrlQuery {
  /** TLS from `sslmode` / `ssl` / `ssl-mode`, when present. */
  readonly ssl?: boolean | Readonly<Record<string, unknown>>;
  /** The query parameter that set `ssl`, for conflict messages. */
  readonly sslParameter?: string;
  /** PostgreSQL's `?host=` (a Unix socket directory) when the URL itself has no host. */
  readonly host?: string;
  /** Every other parameter, passed to the driver as an option. */
  readonly options: Record<string, unknown>;
  /** What is wrong, as messages about the `url` option. */
  readonly problems: string[];
}

const IN_URL_ITSELF = new Set(['user', 'username', 'password', 'host', 'port', 'database', 'dbname']);
const PG_FILE_PARAMETERS = new Set(['sslcert', 'sslkey', 'sslrootcert', 'sslpassword', 'sslcrl']);
// Maps, not object literals: a value such as "constructor" must not find Object.prototype members.
const PG_SSLMODE = new Map<string, boolean | Readonly<Record<string, unknown>>>([
  ['disable', false],
  ['require', true],
  ['verify-ca', true],
  ['verify-full', true],
  ['no-verify', Object.freeze({ rejectUnauthorized: false })],
]);
const MYSQL_SSL_MODE = new Map<string, boolean>([['DISABLED', false], ['REQUIRED', true], ['VERIFY_CA', true], ['VERIFY_IDENTITY', true]]);

/**
 * Reads a connection URL's query the way each engine's own URL parser does: PostgreSQL values stay
 * strings (as in pg-connection-string, and pg needs strings for startup parameters); for the other
 * engines each value is read as JSON when it is JSON (`true`, `5000`, `{"a":1}`) and kept as a
 * string otherwise (as mysql2 does). TLS parameters become `ssl`; secrets and connection fields are
 * refused, because they belong in the URL itself.
 */
export function readUrlQuery(engine: Engine, entries: readonly (readonly [string, string])[], urlHasHost: boolean, example: string): UrlQuery {
  const options: Record<string, unknown> = {};
  const problems: string[] = [];
  let ssl: UrlQuery['ssl'];
  let sslParameter: string | undefined;
  let host: string | undefined;
  const seen = new Set<string>();
  const setSsl = (parameter: string, value: UrlQuery['ssl']): void => {
    if (sslParameter !== undefined) problems.push(`sets TLS twice ("${sslParameter}" and "${parameter}") — keep one`);
    ssl = value;
    sslParameter = parameter;
  };

  for (const [key, value] of entries) {
    if (seen.has(key)) {
      problems.push(`has the query parameter "${key}" twice — keep one`);
      continue;
    }
    seen.add(key);
    if (engine === 'postgres' && key === 'host' && !urlHasHost && value !== '') {
      host = value;
    } else if (IN_URL_ITSELF.has(key)) {
      problems.push(`query parameter "${key}" is not supported — write it in the URL itself: ${example}`);
    } else if (engine === 'postgres' && PG_FILE_PARAMETERS.has(key)) {
      problems.push(`query parameter "${key}" is not supported — read the file yourself and pass its content in "ssl" (e.g. "ssl": { "ca": … })`);
    } else if (engine === 'postgres' && key === 'sslmode') {
      const mode = PG_SSLMODE.get(value);
      if (mode === undefined) problems.push(`sslmode=${value} is not supported — use disable, require (certificate verified), verify-full, or no-verify (certificate not verified); pg cannot fall back to an unencrypted connection`);
      else setSsl('sslmode', mode);
    } else if (engine === 'mysql' && (key === 'ssl-mode' || key === 'sslMode' || key === 'sslmode')) {
      const mode = MYSQL_SSL_MODE.get(value.toUpperCase());
      if (mode === undefined) problems.push(`${key}=${value} is not supported — use DISABLED, REQUIRED or VERIFY_IDENTITY; mysql2 cannot fall back to an unencrypted connection`);
      else setSsl(key, mode);
    } else if (key === 'ssl' && engine !== 'sqlite') {
      const parsed = engine === 'mysql' ? parseJson(value) : value;
      if (value === 'true' || value === '1') setSsl('ssl', true);
      else if (value === 'false' || value === '0') setSsl('ssl', false);
      else if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) setSsl('ssl', parsed as Record<string, unknown>);
      else problems.push(`ssl=${value} is not supported — use ssl=true or ssl=false, and the "ssl" option for TLS settings`);
    } else {
      defineOption(options, key, engine === 'postgres' ? value : parseJson(value));
    }
  }
  return { ...(ssl === undefined ? {} : { ssl, sslParameter }), ...(host === undefined ? {} : { host }), options, problems };
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function defineOption(options: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty: a "__proto__" parameter must stay an option, not replace the prototype.
  Object.defineProperty(options, key, { value, enumerable: true, writable: true, configurable: true });
}
