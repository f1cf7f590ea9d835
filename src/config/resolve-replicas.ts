import type { ConnectionSettings, Engine } from '../adapter.js';
import type { ConfigIssue } from '../errors.js';
import { descriptors } from '../engine-descriptors.js';
import { configPath } from './config-path.js';
import { createConnectionSettings } from './connection-settings.js';
import { parseDatabaseUrl } from './parse-url.js';
import { resolveConnection } from './resolve-connection.js';
import { resolvePool } from './resolve-pool.js';
import type { ResolvedReplicaConfig } from './resolved-config.js';

/** The database's replicas after resolution, or why they cannot be worked out. */
export interface ReplicasResolution {
  /** Undefined when a problem was found; empty when none is configured. */
  readonly replicas: readonly ResolvedReplicaConfig[] | undefined;
  readonly issues: readonly ConfigIssue[];
}

/** A replica entry's own location: never inherited, because it is what makes the entry a different server. */
const LOCATION_KEYS = new Set(['url', 'host', 'port']);

/**
 * Resolves `replicas` of one database. An entry names where the replica is (`url`, or `host` and
 * `port`); what it leaves out — database, user, password, ssl, options (merged, the entry's keys
 * win), pool (merged the same way) — comes from the primary, because a replica is a copy of the
 * primary's data, usually reached with the same credentials. The location is resolved by the same
 * `resolveConnection` as a database (so URL rules, TLS parameters and error messages are the same),
 * and only then are the gaps filled from the primary's resolved settings.
 */
export function resolveReplicas(alias: string, engine: Engine, db: Readonly<Record<string, unknown>>, primary: ConnectionSettings | undefined): ReplicasResolution {
  const list = db['replicas'];
  if (list === undefined) return { replicas: [], issues: [] };
  const issues: ConfigIssue[] = [];
  if (!Array.isArray(list)) return { replicas: undefined, issues }; // the schema has reported it
  const descriptor = descriptors[engine];
  if (descriptor.file) {
    if (list.length > 0) issues.push({ path: configPath([alias, 'replicas']), message: `is not available for ${engine} — a ${engine} database is a local file and has no read replicas; remove "replicas"` });
    return { replicas: issues.length > 0 ? undefined : [], issues };
  }
  const replicas: ResolvedReplicaConfig[] = [];
  const seen = new Map<string, number>();
  list.forEach((entry: unknown, index) => {
    if (!isRecord(entry)) return; // the schema has reported it
    const where = [alias, 'replicas', String(index)];
    const own = resolveConnection(alias, engine, entry);
    const prefix = configPath([alias]);
    for (const issue of own.issues) issues.push({ path: configPath(where) + issue.path.slice(prefix.length), message: issue.message });
    const pool = resolvePool(alias, { ...poolInput(db['pool']), ...poolInput(entry['pool']) }, undefined);
    for (const issue of pool.issues) issues.push({ path: issue.path.replace(configPath([alias, 'pool']), configPath([...where, 'pool'])), message: issue.message });
    if (own.settings === undefined || pool.pool === undefined || primary === undefined) return;
    const connection = inherit(own.settings, primary, entry, engine);
    const name = replicaName(connection, index);
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      issues.push({ path: configPath(where), message: `is the same server as replicas[${earlier}] (${name}) — list each replica once` });
      return;
    }
    seen.set(name, index);
    replicas.push(Object.freeze({ name, connection, pool: pool.pool }));
  });
  if (issues.length > 0) return { replicas: undefined, issues };
  return { replicas: Object.freeze(replicas), issues };
}

/** The replica's settings with the gaps filled from the primary's. */
function inherit(own: ConnectionSettings, primary: ConnectionSettings, entry: Readonly<Record<string, unknown>>, engine: Engine): ConnectionSettings {
  const url = typeof entry['url'] === 'string' ? entry['url'] : undefined;
  const fromUrl = url === undefined ? undefined : parseDatabaseUrl(url, engine);
  const urlSetsTls = fromUrl?.ok === true && fromUrl.url.ssl !== undefined;
  const setsTls = (Object.hasOwn(entry, 'ssl') && entry['ssl'] !== undefined) || urlSetsTls;
  // The primary's location options (e.g. Oracle's connectString) would point the replica back at the primary.
  const locationOptions = new Set(descriptors[engine].locationOptions);
  const inheritedOptions = Object.fromEntries(Object.entries(primary.options).filter(([key]) => !locationOptions.has(key) && !LOCATION_KEYS.has(key)));
  return createConnectionSettings({
    host: own.host,
    port: own.port,
    database: own.database ?? primary.database,
    user: own.user ?? primary.user,
    password: own.password ?? (own.passwordFunction === undefined ? primary.password : undefined),
    // A rotated secret is rotated for the replica too; one given on the replica wins.
    passwordFunction: own.passwordFunction ?? (own.password === undefined ? primary.passwordFunction : undefined),
    ssl: setsTls ? own.ssl : primary.ssl,
    options: { ...inheritedOptions, ...own.options },
    int64: primary.int64,
  });
}

/**
 * How the replica is named in stats and metrics (`replica` label): `host:port`, which says which
 * server it is and never carries a secret; `replicas[i]` when the location is in driver options.
 */
export function replicaName(settings: ConnectionSettings, index: number): string {
  if (settings.host === undefined) return `replicas[${index}]`;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return settings.port === undefined ? host : `${host}:${settings.port}`;
}

function poolInput(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
