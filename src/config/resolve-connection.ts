import type { ConnectionSettings, Engine, HostAddress, TargetSessionAttrs } from '../adapter.js';
import type { SingleConnectionDatabase } from '../engine-descriptor.js';
import type { ConfigIssue } from '../errors.js';
import { configPath } from './config-path.js';
import { createConnectionSettings } from './connection-settings.js';
import { didYouMean } from './did-you-mean.js';
import { descriptors } from '../engine-descriptors.js';
import { OPTION_SYNONYMS } from './option-synonyms.js';
import { parseDatabaseUrl, type ParsedUrl } from './parse-url.js';
import { resolveTls } from './resolve-tls.js';
import { schemaFacts } from './schema-facts.js';
import { TARGET_SESSION_ATTRS } from '../topology/target-session-attrs.js';

/** Where a database connects, or why it cannot be worked out. */
export interface ConnectionResolution {
  /** Undefined when a problem was found (then `issues` says what). */
  readonly settings: ConnectionSettings | undefined;
  /** Set when the database lives in its one connection (the descriptor's `singleConnectionDatabase`): the pool never closes it. */
  readonly memory: SingleConnectionDatabase | undefined;
  readonly issues: readonly ConfigIssue[];
}

const URL_EXCLUSIVE = ['host', 'port', 'hosts', 'database', 'user'] as const;
const NOT_FOR_FILE_DATABASES = ['host', 'port', 'hosts', 'targetSessionAttrs', 'user', 'password', 'ssl'] as const;
const ENV_HINT = 'must be a string, got undefined — is the environment variable set?';

/**
 * Works out the `ConnectionSettings` of one database from its `url` or its discrete fields, and
 * reports the contradictions a schema cannot express: `url` together with host/port/database/user,
 * a password in both places, TLS set twice, a URL scheme of another engine, a file database given
 * network fields, a database name the driver would misread, no location at all. `db` is the snapshot of one database (already type-checked by the
 * schema; values of the wrong type are skipped here, the schema has reported them).
 */
export function resolveConnection(alias: string, engine: Engine, db: Readonly<Record<string, unknown>>): ConnectionResolution {
  const issues: ConfigIssue[] = [];
  const report = (path: readonly string[], message: string): void => {
    issues.push({ path: configPath([alias, ...path]), message });
  };
  const reportMissing = (missing: [readonly string[], string] | undefined): void => {
    if (missing !== undefined) report(...missing);
  };
  const has = (key: string): boolean => Object.hasOwn(db, key) && db[key] !== undefined;
  const text = (key: string): string | undefined => (typeof db[key] === 'string' ? db[key] : undefined);
  const options = isRecord(db['options']) ? db['options'] : {};
  const descriptor = descriptors[engine];
  const locationOptions = descriptor.locationOptions.filter((key) => Object.hasOwn(options, key) && options[key] !== undefined);

  if (descriptor.file) {
    for (const key of NOT_FOR_FILE_DATABASES) if (has(key)) report([key], `is not used by ${engine} — remove it (${engine} opens the file named in "database")`);
  }

  let fromUrl: ParsedUrl | undefined;
  const url = text('url');
  if (has('url')) {
    // For a file database, host/port/user are already reported as unused.
    for (const key of descriptor.file ? ['database'] : URL_EXCLUSIVE) if (has(key)) report([key], 'cannot be combined with "url" — put it in the URL, or remove "url"');
    for (const key of locationOptions) report(['options', key], 'cannot be combined with "url" — use one');
    if (url !== undefined && url !== '') {
      const parsed = parseDatabaseUrl(url, engine);
      if (parsed.ok) fromUrl = parsed.url;
      else for (const problem of parsed.problems) report(['url'], problem);
    }
  } else if (descriptor.file) {
    if (!has('database')) reportMissing(missingLocation(db, ['url', 'database'], `needs a "database" (${descriptor.databaseDescription}) or a "url"`));
  } else if (has('host') || has('hosts')) {
    const located = has('hosts') ? 'hosts' : 'host';
    for (const key of locationOptions) report(['options', key], `cannot be combined with "${located}" — use one`);
    if (has('hosts')) {
      for (const key of ['host', 'port']) if (has(key)) report([key], 'cannot be combined with "hosts" — list every server in "hosts" (each { host, port }), or use "host" and "port" for one server');
      if (!descriptor.multiHost) report(['hosts'], `is not supported by ${engine}, which connects to one address${descriptor.locationOptions.length > 0 ? ` — list the addresses in "options.${descriptor.locationOptions[0] ?? ''}"` : ''}`);
    }
  } else if (locationOptions.length === 0) {
    const alternatives = descriptor.locationOptions.length > 0 ? ` (or "options.${descriptor.locationOptions[0] ?? ''}")` : '';
    reportMissing(missingLocation(db, ['url', 'host'], `needs a "url" or a "host"${alternatives}`));
  }

  if (fromUrl !== undefined) {
    if (fromUrl.password !== undefined && has('password')) report(['password'], 'cannot be combined with a URL that has a password — keep one');
    if (fromUrl.ssl !== undefined && has('ssl')) report(['ssl'], `cannot be combined with "${fromUrl.sslParameter ?? 'ssl'}" in the URL — set TLS in one place`);
    for (const key of Object.keys(fromUrl.options)) {
      if (Object.hasOwn(options, key)) report(['options', key], `is also set by the URL (?${key}=…) — set it in one place`);
    }
  }

  const targetSessionAttrs = resolveTargetSessionAttrs(engine, db, fromUrl, report);

  const database = fromUrl === undefined ? text('database') : fromUrl.database;
  const refused = database === undefined ? undefined : descriptor.refusedDatabase(database);
  if (refused !== undefined) report([fromUrl === undefined ? 'database' : 'url'], refused);
  // What TLS can check depends on the host (mysql2 cannot verify a name against an IP address): every listed host is asked.
  const hostNames = hostList(fromUrl, db['hosts'], descriptor.defaultPort)?.map((address) => address.host) ?? [fromUrl?.host ?? text('host')];
  const tlsValue = fromUrl?.ssl ?? db['ssl'];
  const tls = descriptor.file ? undefined : hostNames.map((host) => resolveTls(tlsValue, descriptor, host)).find((resolved) => 'problems' in resolved) ?? resolveTls(tlsValue, descriptor, hostNames[0]);
  if (tls !== undefined && 'problems' in tls) {
    for (const { key, message } of tls.problems) report(fromUrl?.ssl === undefined ? ['ssl', ...(key === undefined ? [] : [key])] : ['url'], fromUrl?.ssl === undefined ? message : `${fromUrl.sslParameter ?? 'ssl'}: ${message}`);
  }
  const single = descriptor.singleConnectionDatabase;
  const memory = single !== undefined && database === single.name ? single : undefined;
  if (issues.length > 0) return { settings: undefined, memory, issues };

  // Merged only when the URL has options, so that the copy of the user's object (cycles and all) is kept.
  const urlOptions = fromUrl?.options ?? {};
  const mergedOptions = Object.keys(urlOptions).length > 0 ? { ...urlOptions, ...options } : options;
  // Validated by the schema; the adapter applies it to every result it returns. Left out when not
  // set (the adapter's default is "number"), so resolved settings only show what was configured.
  const int64 = db['int64'] === 'number' || db['int64'] === 'string' || db['int64'] === 'bigint' ? db['int64'] : undefined;
  const settings = createConnectionSettings(
    descriptor.file
      ? { database, options: mergedOptions, int64 }
      : {
          ...firstHost(fromUrl, db, descriptor.defaultPort),
          hosts: hostList(fromUrl, db['hosts'], descriptor.defaultPort),
          targetSessionAttrs,
          database,
          user: fromUrl?.user ?? text('user'),
          password: fromUrl?.password ?? text('password'),
          passwordFunction: typeof db['password'] === 'function' ? (db['password'] as () => string | Promise<string>) : undefined,
          ssl: tls !== undefined && 'ssl' in tls ? tls.ssl : undefined,
          options: mergedOptions,
          int64,
        },
  );
  return { settings, memory, issues };
}

/** `host`/`port` of the settings: the URL's, the first of `hosts`, or the discrete fields. */
function firstHost(fromUrl: ParsedUrl | undefined, db: Readonly<Record<string, unknown>>, defaultPort: number | undefined): { host: string | undefined; port: number | undefined } {
  const first = Array.isArray(db['hosts']) && isRecord(db['hosts'][0]) ? db['hosts'][0] : undefined;
  const host = fromUrl?.host ?? (typeof first?.['host'] === 'string' ? first['host'] : typeof db['host'] === 'string' ? db['host'] : undefined);
  const port = fromUrl?.port ?? (typeof first?.['port'] === 'number' ? first['port'] : typeof db['port'] === 'number' && first === undefined ? db['port'] : defaultPort);
  return { host, port };
}

/** Every host (ports filled in) when the database lists several (a `hosts` array, a multi-host URL); otherwise undefined. */
function hostList(fromUrl: ParsedUrl | undefined, hosts: unknown, defaultPort: number | undefined): HostAddress[] | undefined {
  const listed = fromUrl?.hosts ?? (Array.isArray(hosts) ? hosts.filter(isRecord) : undefined);
  if (listed === undefined) return undefined;
  const port = (value: unknown): number => (typeof value === 'number' ? value : (defaultPort ?? 0));
  return listed.map((entry) => ({ host: String(entry['host']), port: port(entry['port']) }));
}

/**
 * `targetSessionAttrs` from the option or the URL's `target_session_attrs=` (not both), checked
 * against what the engine can tell about a server. The option's value is already checked by the
 * schema; the URL's is checked here, with the same "did you mean".
 */
function resolveTargetSessionAttrs(engine: Engine, db: Readonly<Record<string, unknown>>, fromUrl: ParsedUrl | undefined, report: (path: readonly string[], message: string) => void): TargetSessionAttrs | undefined {
  const option = db['targetSessionAttrs'];
  const fromOption = typeof option === 'string' && (TARGET_SESSION_ATTRS as readonly string[]).includes(option) ? (option as TargetSessionAttrs) : undefined;
  const written = fromUrl?.targetSessionAttrs;
  if (written !== undefined && option !== undefined) {
    report(['targetSessionAttrs'], 'cannot be combined with "target_session_attrs" in the URL — set it in one place');
    return undefined;
  }
  let value = fromOption;
  if (written !== undefined) {
    if (!(TARGET_SESSION_ATTRS as readonly string[]).includes(written)) {
      const suggestion = didYouMean(written, TARGET_SESSION_ATTRS);
      report(['url'], `target_session_attrs=${written} is not supported — use one of ${TARGET_SESSION_ATTRS.join(', ')}${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`);
      return undefined;
    }
    value = written as TargetSessionAttrs;
  }
  const supported = descriptors[engine].targetSessionAttrs;
  if (value !== undefined && !supported.includes(value)) {
    report([written === undefined ? 'targetSessionAttrs' : 'url'], `"${value}" is not supported by ${engine}, which cannot tell a primary from a standby before use — use ${supported.map((v) => `"${v}"`).join(' or ')}`);
    return undefined;
  }
  return value;
}

/**
 * "needs a url or a host" — or, when a key is present but undefined, the environment-variable hint.
 * Nothing when a misspelt key (already reported as unknown, e.g. `connectionString`) was meant to be one.
 */
function missingLocation(db: Readonly<Record<string, unknown>>, keys: readonly string[], message: string): [readonly string[], string] | undefined {
  const unset = keys.find((key) => Object.hasOwn(db, key));
  if (unset !== undefined) return [[unset], ENV_HINT];
  const known = schemaFacts().databaseOptions;
  const misspelt = Object.keys(db).some((key) => !known.includes(key) && didYouMean(key, keys, OPTION_SYNONYMS.database) !== undefined);
  return misspelt ? undefined : [[], message];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
