import type { EngineDescriptor } from '../engine-descriptor.js';
import { TLS_MODES, TLS_PEM_FIELDS, type TlsOptions, type TlsSetting } from '../tls-settings.js';

/** The resolved `ssl`, or what is wrong with it (each problem a message about `ssl` or one of its keys). */
export type TlsResolution = { readonly ssl: TlsSetting } | { readonly problems: readonly { readonly key: string | undefined; readonly message: string }[] };

const DISABLE: TlsOptions = Object.freeze({ mode: 'disable' });
const VERIFY_FULL: TlsOptions = Object.freeze({ mode: 'verify-full' });
const MODE_KEYS: ReadonlySet<string> = new Set(['mode', ...TLS_PEM_FIELDS]);

/**
 * Turns `ssl` (from the config or a URL) into what adapters get. The older forms keep working:
 * `true` is verify-full (what pg's `ssl: true` always did: chain and host name checked), `false`
 * and no `ssl` are disable, and an object without `mode` is the driver's own TLS options, passed
 * as before. An object with `mode` is checked here whatever its origin, since a URL's `?ssl={…}`
 * never meets the schema; contradictions are refused (`require` with a `ca` would silently not
 * check it; `disable` with certificates would silently not send them), and so is what the
 * engine's driver cannot do.
 */
export function resolveTls(value: unknown, descriptor: EngineDescriptor, host: string | undefined): TlsResolution {
  if (value === undefined || value === false) return { ssl: DISABLE };
  if (value === true) return { ssl: VERIFY_FULL };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problems: [] }; // the schema reported it
  const record = value as Readonly<Record<string, unknown>>;
  if (!Object.hasOwn(record, 'mode')) return { ssl: record };
  const problems: { key: string | undefined; message: string }[] = [];
  const mode = TLS_MODES.find((known) => known === record['mode']);
  if (mode === undefined) problems.push({ key: 'mode', message: `must be one of ${TLS_MODES.map((m) => `"${m}"`).join(', ')}, got ${JSON.stringify(record['mode'])}${UNSUPPORTED_MODE_HINT}` });
  for (const key of Object.keys(record)) {
    if (!MODE_KEYS.has(key)) problems.push({ key, message: `unknown option "${key}" next to "mode" — allowed: ${[...MODE_KEYS].join(', ')} (without "mode", "ssl" is passed to the driver as its own TLS options)` });
    else if (key !== 'mode' && typeof record[key] !== 'string') problems.push({ key, message: 'must be PEM text (a string) — read the file yourself, e.g. readFileSync(path, "utf8")' });
  }
  if (problems.length > 0 || mode === undefined) return { problems };
  const tls: TlsOptions = Object.freeze(hideKey({ mode, ...pem(record) }));
  const given = TLS_PEM_FIELDS.filter((field) => tls[field] !== undefined);
  if (mode === 'disable' && given.length > 0) return { problems: [{ key: undefined, message: `mode "disable" uses no TLS, so ${given.map((f) => `"${f}"`).join(', ')} would be ignored — remove them, or choose another mode` }] };
  if (mode === 'require' && tls.ca !== undefined) return { problems: [{ key: 'ca', message: 'is not checked with mode "require" — use mode "verify-ca" (or "verify-full") to check the server certificate against it, or remove "ca"' }] };
  const refused = descriptor.refusedTls(tls, host);
  return refused === undefined ? { ssl: tls } : { problems: [{ key: undefined, message: refused }] };
}

/** What the schema's message for a wrong `ssl.mode` adds. */
export const UNSUPPORTED_MODE_HINT = ' — "prefer" and "allow" (TLS only when the server offers it) are not supported: choose "require" or a verify mode for TLS, or "disable"';

/** The private key stays readable (`ssl.key`) but, like a password, out of JSON.stringify, util.inspect and spreads. */
function hideKey(tls: TlsOptions): TlsOptions {
  if (tls.key === undefined) return tls;
  const { key, ...rest } = tls;
  return Object.defineProperty(rest, 'key', { value: key, enumerable: false }) as TlsOptions;
}

function pem(record: Readonly<Record<string, unknown>>): Partial<Record<(typeof TLS_PEM_FIELDS)[number], string>> {
  const fields: Partial<Record<(typeof TLS_PEM_FIELDS)[number], string>> = {};
  for (const field of TLS_PEM_FIELDS) if (typeof record[field] === 'string') fields[field] = record[field];
  return fields;
}
