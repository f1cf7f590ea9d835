import type { Engine, Row } from '../../adapter.js';

/** Runs one statement on the doctor's connection and returns its rows. */
export type RunQuery = (sql: string) => Promise<Row[]>;

/** The server's connection limit as it applies to the configured user. */
export interface ConnectionLimit {
  /** Connections this user may open in total, across every client. */
  readonly limit: number;
  /** Connections open on the server right now (every client), when the server tells. */
  readonly inUse: number | undefined;
  /** How `limit` was worked out, e.g. `max_connections 100 − superuser_reserved_connections 3`. */
  readonly source: string;
}

/** What the doctor learns from a server. */
export interface ServerFacts {
  readonly version: string;
  /** Undefined when the engine has none (SQLite) or the user may not read it (`limitNote` says why). */
  readonly limit: ConnectionLimit | undefined;
  readonly limitNote: string | undefined;
  /** The server closes sessions idle longer than this (ms); undefined when it never does or cannot tell. */
  readonly idleTimeoutMs: number | undefined;
  /** The server setting behind `idleTimeoutMs`, e.g. `wait_timeout`. */
  readonly idleTimeoutSetting: string | undefined;
  /** Engine-specific facts worth a line, e.g. SQLite's journal mode. */
  readonly notes: readonly string[];
}

/** Reads the version, the connection limit and idle timeout of the server behind `query`. */
export function probeServer(engine: Engine, query: RunQuery): Promise<ServerFacts> {
  switch (engine) {
    case 'postgres':
      return probePostgres(query);
    case 'mysql':
      return probeMysql(query);
    case 'sqlite':
      return probeSqlite(query);
    case 'oracle':
      return probeOracle(query);
  }
}

/** A driver may hand numbers back as strings or bigints; undefined for anything not a finite number. */
function toNumber(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

async function firstRow(query: RunQuery, sql: string): Promise<Row> {
  return (await query(sql))[0] ?? {};
}

const POSTGRES_FACTS = `SELECT current_setting('server_version') AS version,
  current_setting('max_connections')::int AS max_connections,
  current_setting('superuser_reserved_connections')::int AS superuser_reserved,
  COALESCE(NULLIF(current_setting('reserved_connections', true), ''), '0')::int AS reserved,
  (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS in_use,
  (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
  (SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user) AS role_limit,
  (SELECT datconnlimit FROM pg_database WHERE datname = current_database()) AS database_limit,
  (SELECT setting FROM pg_settings WHERE name = 'idle_session_timeout') AS idle_session_timeout_ms`;

async function probePostgres(query: RunQuery): Promise<ServerFacts> {
  const row = await firstRow(query, POSTGRES_FACTS);
  const max = toNumber(row['max_connections']) ?? 0;
  const superuserReserved = toNumber(row['superuser_reserved']) ?? 0;
  const reserved = toNumber(row['reserved']) ?? 0;
  // Superusers may also use the reserved slots and are exempt from role and database CONNECTION
  // LIMITs (InitPostgres); everyone else is bound by the lowest of them.
  let limit = max;
  let source = `max_connections ${max}`;
  if (row['superuser'] !== true) {
    limit = max - superuserReserved - reserved;
    source += ` − superuser_reserved_connections ${superuserReserved}${reserved > 0 ? ` − reserved_connections ${reserved}` : ''}`;
    const roleLimit = toNumber(row['role_limit']) ?? -1;
    if (roleLimit >= 0 && roleLimit < limit) [limit, source] = [roleLimit, `the role's CONNECTION LIMIT ${roleLimit}`];
    const databaseLimit = toNumber(row['database_limit']) ?? -1;
    if (databaseLimit >= 0 && databaseLimit < limit) [limit, source] = [databaseLimit, `the database's CONNECTION LIMIT ${databaseLimit}`];
  }
  const idle = toNumber(row['idle_session_timeout_ms']);
  return {
    version: `PostgreSQL ${String(row['version'] ?? '?')}`,
    limit: { limit, inUse: toNumber(row['in_use']), source },
    limitNote: undefined,
    idleTimeoutMs: idle !== undefined && idle > 0 ? idle : undefined,
    idleTimeoutSetting: 'idle_session_timeout',
    notes: [],
  };
}

async function probeMysql(query: RunQuery): Promise<ServerFacts> {
  // The session value of max_user_connections is the account's own limit when it has one.
  const row = await firstRow(query, 'SELECT VERSION() AS version, @@max_connections AS max_connections, @@max_user_connections AS max_user_connections, @@wait_timeout AS wait_timeout');
  const status = await query("SHOW GLOBAL STATUS LIKE 'Threads_connected'");
  const max = toNumber(row['max_connections']) ?? 0;
  const perUser = toNumber(row['max_user_connections']) ?? 0;
  const [limit, source] = perUser > 0 && perUser < max ? [perUser, `max_user_connections ${perUser}`] : [max, `max_connections ${max}`];
  const version = String(row['version'] ?? '?');
  const waitTimeout = toNumber(row['wait_timeout']);
  return {
    version: /mariadb/i.test(version) ? `MariaDB ${version.replace(/-MariaDB.*$/i, '')}` : `MySQL ${version}`,
    limit: { limit, inUse: toNumber(status[0]?.['Value'] ?? status[0]?.['value']), source },
    limitNote: undefined,
    idleTimeoutMs: waitTimeout !== undefined && waitTimeout > 0 ? waitTimeout * 1000 : undefined,
    idleTimeoutSetting: 'wait_timeout',
    notes: [],
  };
}

async function probeSqlite(query: RunQuery): Promise<ServerFacts> {
  const row = await firstRow(query, 'SELECT sqlite_version() AS version');
  const mode = await firstRow(query, 'PRAGMA journal_mode');
  return {
    version: `SQLite ${String(row['version'] ?? '?')}`,
    limit: undefined,
    limitNote: 'n/a (SQLite runs in-process; there is no server connection limit)',
    idleTimeoutMs: undefined,
    idleTimeoutSetting: undefined,
    notes: [`journal_mode ${String(mode['journal_mode'] ?? '?')}`],
  };
}

async function probeOracle(query: RunQuery): Promise<ServerFacts> {
  let version: unknown;
  try {
    version = (await firstRow(query, 'SELECT version_full AS "version" FROM product_component_version WHERE ROWNUM = 1'))['version'];
  } catch {
    // version_full exists from 18c on.
    version = (await firstRow(query, 'SELECT version AS "version" FROM product_component_version WHERE ROWNUM = 1'))['version'];
  }
  let limit: ConnectionLimit | undefined;
  let limitNote: string | undefined;
  try {
    const rows = await query(`SELECT name AS "name", value AS "value" FROM v$parameter WHERE name IN ('processes', 'sessions')`);
    const setting = (name: string): number => toNumber(rows.find((r) => r['name'] === name)?.['value']) ?? Number.POSITIVE_INFINITY;
    const [processes, sessions] = [setting('processes'), setting('sessions')];
    const used = await firstRow(query, `SELECT COUNT(*) AS "used" FROM v$session WHERE type = 'USER'`).catch((): Row => ({}));
    // With dedicated servers every session needs a process, so the smaller of the two binds.
    const value = Math.min(processes, sessions);
    if (Number.isFinite(value)) limit = { limit: value, inUse: toNumber(used['used']), source: `min(processes ${processes}, sessions ${sessions})` };
    else limitNote = 'unknown: v$parameter has neither processes nor sessions';
  } catch (error) {
    limitNote = `unknown: the user may not read v$parameter/v$session (${(error as Error)?.message?.split('\n')[0] ?? 'error'}); grant SELECT_CATALOG_ROLE to see it`;
  }
  return { version: `Oracle ${String(version ?? '?')}`, limit, limitNote, idleTimeoutMs: undefined, idleTimeoutSetting: undefined, notes: [] };
}
