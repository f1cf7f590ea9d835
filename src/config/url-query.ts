import type { EngineDescriptor, TlsSetting } from '../engine-descriptor.js';

/** What a connection URL's query contributes to the settings. */
export interface UrlQuery {
  /** TLS from `sslmode` / `ssl` / `ssl-mode`, when present. */
  readonly ssl?: TlsSetting;
  /** The query parameter that set `ssl`, for conflict messages. */
  readonly sslParameter?: string;
  /** PostgreSQL's `?host=` (a Unix socket directory) when the URL itself has no host. */
  readonly host?: string;
  /** libpq's `?target_session_attrs=`, unchecked (resolve-connection checks it like the option). */
  readonly targetSessionAttrs?: string;
  /** Every other parameter, passed to the driver as an option. */
  readonly options: Record<string, unknown>;
  /** What is wrong, as messages about the `url` option. */
  readonly problems: string[];
}

const VERIFY_FULL = Object.freeze({ mode: 'verify-full' });
const DISABLE = Object.freeze({ mode: 'disable' });
/** libpq's name for `targetSessionAttrs`; the same parameter is read for every engine that has several hosts. */
const TARGET_SESSION_ATTRS_PARAMETER = 'target_session_attrs';
const IN_URL_ITSELF = new Set(['user', 'username', 'password', 'host', 'port', 'database', 'dbname']);
/**
 * Reads a connection URL's query the way each engine's own URL parser does (the engine's descriptor
 * says how: values kept as strings, or read as JSON when they are JSON — `true`, `5000`, `{"a":1}`).
 * TLS parameters become `ssl`; secrets and connection fields are refused, because they belong in
 * the URL itself.
 */
export function readUrlQuery(engine: EngineDescriptor, entries: readonly (readonly [string, string])[], urlHasHost: boolean, example: string): UrlQuery {
  const options: Record<string, unknown> = {};
  const problems: string[] = [];
  let ssl: UrlQuery['ssl'];
  let sslParameter: string | undefined;
  let host: string | undefined;
  let targetSessionAttrs: string | undefined;
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
    if (engine.hostInUrlQuery && key === 'host' && !urlHasHost && value !== '') {
      host = value;
      continue;
    }
    if (key === TARGET_SESSION_ATTRS_PARAMETER && !engine.file) {
      targetSessionAttrs = value;
      continue;
    }
    if (IN_URL_ITSELF.has(key)) {
      problems.push(`query parameter "${key}" is not supported — write it in the URL itself: ${example}`);
      continue;
    }
    const refused = engine.refusedUrlParameter(key);
    if (refused !== undefined) {
      problems.push(refused);
      continue;
    }
    const tls = engine.readTlsParameter(key, value);
    if (tls !== undefined) {
      if ('problem' in tls) problems.push(tls.problem);
      else setSsl(key, tls.ssl);
    } else if (key === 'ssl' && !engine.file) {
      const parsed = engine.urlValues === 'json' ? parseJson(value) : value;
      // Read as the `ssl` option is: true is verify-full, false is disable.
      if (value === 'true' || value === '1') setSsl('ssl', VERIFY_FULL);
      else if (value === 'false' || value === '0') setSsl('ssl', DISABLE);
      else if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) setSsl('ssl', parsed as Record<string, unknown>);
      else problems.push(`ssl=${value} is not supported — use ssl=true or ssl=false, and the "ssl" option for TLS settings`);
    } else {
      defineOption(options, key, engine.urlValues === 'string' ? value : parseJson(value));
    }
  }
  return {
    ...(ssl === undefined ? {} : { ssl, sslParameter }),
    ...(host === undefined ? {} : { host }),
    ...(targetSessionAttrs === undefined ? {} : { targetSessionAttrs }),
    options,
    problems,
  };
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
