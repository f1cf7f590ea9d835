import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Adapter, Capabilities, ConnectionSettings } from '../../adapter.js';
import type { ResolvedDatabaseConfig } from '../../config/resolved-config.js';
import { descriptors } from '../../engine-descriptors.js';
import type { PoolRole } from '../pool-stats.js';
import { checkLimit, sizePool, WARNING_SHARE, type LimitCheck, type SizingAdvice, type Verdict } from './pool-sizing.js';
import { probeServer, type ServerFacts } from './server-facts.js';
import { connectToHosts } from '../../topology/connect-to-hosts.js';

/** Pings timed per database; the median is reported, so one slow first round trip does not skew it. */
export const PING_SAMPLES = 5;

/** What `unipool doctor` was asked to check beyond the config. */
export interface DoctorOptions {
  /** Application instances sharing each server (`--instances`). */
  readonly instances: number;
  /** Requests per second across all instances (`--rate`), with `holdMs` (`--hold-ms`). */
  readonly ratePerSecond: number | undefined;
  readonly holdMs: number | undefined;
}

/** The doctor's findings for one database. Never holds a password. */
export interface DatabaseDiagnosis {
  readonly alias: string;
  readonly engine: string;
  /** `'primary'`, or `'replica'` for one of the database's read replicas (`replicas`). */
  readonly role: PoolRole;
  /** Where it connects, without the password: `postgres://app@db:5432/app`, or the SQLite file. */
  readonly target: string;
  readonly reachable: boolean;
  /** Why it could not be reached (redacted). */
  readonly error: string | undefined;
  readonly server: ServerFacts | undefined;
  /** Median of `PING_SAMPLES` round trips, in ms. */
  readonly pingMs: number | undefined;
  readonly pool: { readonly min: number; readonly max: number };
  readonly connections: (LimitCheck & { readonly instances: number; readonly inUse: number | undefined; readonly source: string }) | undefined;
  readonly sizing: SizingAdvice | undefined;
  readonly capabilities: Capabilities;
  readonly verdict: Verdict;
  readonly advice: readonly string[];
}

/** Connects to one database through its adapter (one connection, closed at the end) and checks it. */
export async function diagnoseDatabase(config: ResolvedDatabaseConfig, adapter: Adapter<unknown>, options: DoctorOptions, role: PoolRole = 'primary'): Promise<DatabaseDiagnosis> {
  const sizing = options.ratePerSecond !== undefined && options.holdMs !== undefined ? sizePool(options.ratePerSecond, options.holdMs, options.instances, config.pool.max) : undefined;
  // One key order for every outcome, so the JSON reads the same way whatever happened.
  const diagnosis = (found: Pick<DatabaseDiagnosis, 'reachable' | 'verdict' | 'error' | 'server' | 'pingMs' | 'connections' | 'advice'>): DatabaseDiagnosis => ({
    alias: config.alias,
    engine: config.engine,
    role,
    target: describeTarget(config),
    reachable: found.reachable,
    verdict: found.verdict,
    error: found.error,
    server: found.server,
    pingMs: found.pingMs,
    pool: { min: config.pool.min, max: config.pool.max },
    connections: found.connections,
    sizing,
    advice: found.advice,
    capabilities: adapter.capabilities,
  });
  const failed = (reachable: boolean, error: unknown, advice: string): DatabaseDiagnosis =>
    diagnosis({ reachable, verdict: 'error', error: errorText(error), server: undefined, pingMs: undefined, connections: undefined, advice: [advice] });

  const advice: string[] = [];
  let settings = config.connection;
  const missingFile = missingDatabaseFile(config);
  if (missingFile !== undefined) {
    // Opening it would create it; the version comes from an in-memory database instead.
    advice.push(`The SQLite file ${missingFile.path} does not exist yet; it will be created on the first connection (check the path if that is unexpected).`);
    settings = { ...settings, database: missingFile.standIn };
  }
  let conn: unknown;
  try {
    // The host the pool would use (several hosts, targetSessionAttrs), not just the first listed.
    conn = (await connectToHosts(adapter, settings, { timeoutMs: config.pool.connectTimeoutMs, onBroken: () => undefined })).raw;
  } catch (error) {
    return failed(false, error, `Fix the connection first: ${hintFor(config)}`);
  }
  try {
    const pingMs = await medianPing(adapter, conn);
    const probed = await probeServer(config.engine, async (sql) => (await adapter.query(conn, sql)).rows);
    // Facts of the stand-in in-memory database (its journal mode) say nothing about the missing file.
    const server = missingFile === undefined ? probed : { ...probed, notes: [] };
    const connections = server.limit === undefined ? undefined : { ...checkLimit(config.pool.max, options.instances, server.limit.limit), instances: options.instances, inUse: server.limit.inUse, source: server.limit.source };
    advice.push(...limitAdvice(config, connections), ...idleAdvice(config, server));
    if (sizing !== undefined) advice.push(sizing.advice, ...fleetSizingAdvice(sizing, connections));
    const verdict = worst([connections?.verdict ?? 'ok', sizing?.verdict ?? 'ok', missingFile === undefined ? 'ok' : 'warning']);
    return diagnosis({ reachable: true, verdict, error: undefined, server, pingMs, connections, advice });
  } catch (error) {
    return failed(true, error, 'Connected, but a diagnostic query failed; see the error.');
  } finally {
    await adapter.close(conn).catch(() => undefined);
  }
}

async function medianPing(adapter: Adapter<unknown>, conn: unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < PING_SAMPLES; i++) {
    const started = performance.now();
    await adapter.ping(conn);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
}

function limitAdvice(config: ResolvedDatabaseConfig, check: DatabaseDiagnosis['connections']): string[] {
  if (check === undefined || check.verdict === 'ok') return [];
  const fleet = `pool.max ${config.pool.max} × ${check.instances} instance${check.instances === 1 ? '' : 's'} = ${check.demand}`;
  const fix =
    check.maxPerInstance * check.instances <= check.limit * WARNING_SHARE
      ? `Lower pool.max to ${check.maxPerInstance} or less (release-ASAP needs few connections), raise the server's limit, or put a pooler such as PgBouncer in front.`
      : `Even pool.max 1 on every instance would not fit: put a pooler such as PgBouncer in front (see "Beyond one machine" in the docs), or raise the server's limit.`;
  if (check.verdict === 'error') return [`${fleet} exceeds the server's limit of ${check.limit} (${check.source}): under load connections will be refused. ${fix}`];
  return [`${fleet} is ${Math.round(check.share * 100)} % of the server's limit of ${check.limit} (${check.source}), leaving little for admin tools, migrations and other clients. ${fix}`];
}

/** The suggested size must fit the server too; when it does not, no pool size can fix it. */
function fleetSizingAdvice(sizing: SizingAdvice, check: DatabaseDiagnosis['connections']): string[] {
  if (check === undefined) return [];
  const fleet = sizing.suggestedMax * sizing.instances;
  if (fleet <= check.limit * WARNING_SHARE) return [];
  return [`The suggested pool.max ${sizing.suggestedMax} × ${sizing.instances} instances = ${fleet} is more than ${Math.round(WARNING_SHARE * 100)} % of the server's limit of ${check.limit}: shorten the hold time, put a pooler in front, or raise the limit.`];
}

function idleAdvice(config: ResolvedDatabaseConfig, server: ServerFacts): string[] {
  const serverMs = server.idleTimeoutMs;
  if (serverMs === undefined) return [];
  const poolMs = config.pool.idleTimeoutMs;
  if (poolMs > 0 && poolMs < serverMs && config.pool.min === 0) return [];
  const why = config.pool.min > 0 ? `the ${config.pool.min} connection${config.pool.min === 1 ? '' : 's'} kept by pool.min` : 'idle connections';
  return [
    `The server closes sessions idle for ${serverMs / 1000} s (${server.idleTimeoutSetting ?? 'server setting'}); ${why} may be closed under the pool. ` +
      `They are replaced on borrow (validateAfterIdleMs ${config.pool.validateAfterIdleMs} ms pings them first), but keep pool.idleTimeoutMs (${poolMs === 0 ? 'off' : `${poolMs} ms`}) below the server's timeout.`,
  ];
}

function worst(verdicts: readonly Verdict[]): Verdict {
  return verdicts.includes('error') ? 'error' : verdicts.includes('warning') ? 'warning' : 'ok';
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

function hintFor(config: ResolvedDatabaseConfig): string {
  return descriptors[config.engine].file ? 'check the file path and its permissions.' : 'check the host, port, user, password and database, and that the server is running.';
}

/**
 * A file database's path when it is a plain file that does not exist, with the in-memory database
 * the doctor opens instead (opening the path would create the file); undefined otherwise.
 */
function missingDatabaseFile(config: ResolvedDatabaseConfig): { readonly path: string; readonly standIn: string } | undefined {
  const database = config.connection.database;
  const descriptor = descriptors[config.engine];
  const standIn = descriptor.singleConnectionDatabase?.name;
  if (!descriptor.file || standIn === undefined || database === undefined || database === '' || database === standIn) return undefined;
  if (descriptor.refusedDatabase(database) !== undefined) return undefined;
  return existsSync(resolve(database)) ? undefined : { path: database, standIn };
}

/** `engine://user@host:port/database` without the password; the file of a file database (SQLite). */
export function describeTarget(config: ResolvedDatabaseConfig): string {
  const c: ConnectionSettings = config.connection;
  const descriptor = descriptors[config.engine];
  if (descriptor.file) return c.database ?? descriptor.singleConnectionDatabase?.name ?? '';
  const user = c.user === undefined ? '' : `${encodeURIComponent(c.user)}@`;
  const host = c.host ?? 'localhost';
  return `${config.engine}://${user}${host.includes(':') ? `[${host}]` : host}${c.port === undefined ? '' : `:${c.port}`}/${c.database ?? ''}`;
}
