import { resolve } from 'node:path';
import type { Adapter, AdapterResult, BeginOptions, ConnectContext, ConnectionSettings, FieldInfo, Int64Mode, QueryParams, Row, TransactionState } from '../../src/adapter.js';
import { UnipoolError } from '../../src/errors.js';
import { createDriverLoader } from '../../src/load-driver.js';
import { StatementLru } from '../../src/statement-lru.js';
import { sqliteCapabilities } from './sqlite-capabilities.js';
import { convertSafeIntegers, readAll } from './sqlite-int64.js';
import { toSqliteParams } from './sqlite-values.js';
import type { SqliteDatabase, SqliteDatabaseConstructor, SqliteStatement } from './sqlite-driver-types.js';
import { sqliteConnectFailureKind } from './sqlite-connect-failure-kind.js';
import { quoteIdentifier } from './quote-sqlite-identifier.js';
import { writeLockFor, type WriteLock } from './write-lock.js';

/** One SQLite connection: the driver handle plus what the adapter tracks about it. */
export interface SqliteConnection {
  readonly db: SqliteDatabase;
  /** The file's in-process write lock; undefined for `:memory:` (one connection, nothing to wait for). */
  readonly lock: WriteLock | undefined;
  /** Prepared statements by SQL text (`statementCacheSize`); preparing is the most expensive part of a small query. */
  readonly statements: StatementLru<SqliteStatement>;
  /** Open `stream()` iterators: the connection is busy while one is open. */
  openIterators: number;
  /** `PRAGMA query_only` was switched on for a read-only transaction. */
  queryOnly: boolean;
  /** How INTEGERs are returned (the database option `int64`). */
  readonly int64: Int64Mode;
}

/** better-sqlite3's default busy timeout is 5 s too; we set it explicitly so the docs can promise it. */
const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/** `statementCacheSize` when the config sets none: a statement costs only memory here, and W1 runs several times slower without the cache (0.15× against 0.65× raw better-sqlite3). */
export const SQLITE_STATEMENT_CACHE_SIZE = 100;
const loadBetterSqlite3 = createDriverLoader<SqliteDatabaseConstructor>('sqlite', 'better-sqlite3', () => import('better-sqlite3'));

function isMemory(database: string): boolean {
  return database === ':memory:' || database === '';
}

const NO_ARGS: readonly unknown[] = Object.freeze([]);

function bind(params: QueryParams | undefined): readonly unknown[] {
  if (params === undefined) return NO_ARGS;
  // better-sqlite3 binds an array as anonymous parameters and an object as named ones.
  return [toSqliteParams(params)];
}

/**
 * A statement on a connection the pool already closed — `dbs.close()` reached its timeoutMs while a
 * session or transaction still held it — would meet better-sqlite3's TypeError "The database
 * connection is not open"; say what happened instead, as the network engines do.
 */
function assertOpen(conn: SqliteConnection): void {
  if (!conn.db.open) {
    throw new UnipoolError(
      'UNIPOOL_CONNECTION_BROKEN',
      'sqlite: the connection is closed — the pool closed it by force (dbs.close() reached its timeoutMs) or destroyed it — so this statement did not run.',
    );
  }
}

function prepare(conn: SqliteConnection, sql: string): SqliteStatement {
  assertOpen(conn);
  let statement = conn.statements.get(sql);
  if (statement === undefined) {
    statement = conn.db.prepare(sql);
    // An evicted statement needs no freeing: better-sqlite3 finalizes it when it is collected.
    conn.statements.add(sql, statement);
  }
  return statement;
}

/** Releases the file lock once the connection is no longer inside a transaction. */
function settleLock(conn: SqliteConnection): void {
  if (conn.lock !== undefined && !conn.db.inTransaction) conn.lock.release(conn);
}

/** A prepared statement's columns never change: built once, not on every query (it was the costliest step). */
const columnsOf = new WeakMap<SqliteStatement, { readonly fields: readonly FieldInfo[]; readonly names: readonly string[] }>();

function columns(statement: SqliteStatement): { readonly fields: readonly FieldInfo[]; readonly names: readonly string[] } {
  let known = columnsOf.get(statement);
  if (known === undefined) {
    const described = statement.columns();
    known = Object.freeze({
      fields: Object.freeze(described.map((c) => Object.freeze({ name: c.name, ...(c.type === null ? {} : { type: c.type }) }))),
      names: Object.freeze(described.map((c) => c.name)),
    });
    columnsOf.set(statement, known);
  }
  return known;
}

function run(conn: SqliteConnection, statement: SqliteStatement, params: QueryParams | undefined): AdapterResult {
  if (statement.reader) {
    const known = columns(statement);
    const rows = readAll(statement, conn.int64, params === undefined ? undefined : toSqliteParams(params), known.names);
    // A fresh fields array per result (callers may change theirs); the field objects are shared and
    // frozen. A spread, not slice(): V8 copies a frozen array's slice() on a slow path (about 330 ns
    // against 25 ns, a tenth of the whole query).
    return { rows, rowCount: rows.length, fields: [...known.fields] };
  }
  const info = statement.run(...bind(params));
  // lastInsertRowid is the connection's last insert: meaningful only when this statement inserted.
  return info.changes > 0 && /^\s*(INSERT|REPLACE)\b/i.test(statement.source) ? { rows: [], rowCount: info.changes, insertId: info.lastInsertRowid } : { rows: [], rowCount: info.changes };
}

/**
 * Runs one statement at once, or returns undefined without running it when it may write and another
 * connection holds the file's write lock (then `execute` queues for the lock).
 */
function executeNow(conn: SqliteConnection, sql: string, params?: QueryParams): AdapterResult | undefined {
  const statement = prepare(conn, sql);
  if (!statement.readonly && conn.lock !== undefined && !conn.lock.tryAcquire(conn)) return undefined;
  return executeLocked(conn, statement, params);
}

/**
 * Runs one statement. Not async: better-sqlite3 answers synchronously, so the common case (no
 * write lock to wait for) settles in one already-resolved promise instead of an async function's.
 */
function execute(conn: SqliteConnection, sql: string, params?: QueryParams): Promise<AdapterResult> {
  try {
    const statement = prepare(conn, sql);
    // Anything that may write waits for this file's in-process lock first (see write-lock.ts). A
    // connection inside a transaction keeps the lock until the transaction ends.
    if (!statement.readonly && conn.lock !== undefined) {
      const wait = conn.lock.acquire(conn);
      if (wait !== undefined) return wait.then(() => executeLocked(conn, statement, params));
    }
    return Promise.resolve(executeLocked(conn, statement, params));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Runs a prepared statement once any write lock it needs is held, and lets the lock go after it. */
function executeLocked(conn: SqliteConnection, statement: SqliteStatement, params: QueryParams | undefined): AdapterResult {
  try {
    const result = run(conn, statement, params);
    if (!statement.readonly && !conn.db.inTransaction && hasTempObjects(conn)) {
      result.sessionState = { statement: 'CREATE TEMP', outsideSession: 'reset' };
    }
    return result;
  } finally {
    settleLock(conn);
  }
}

/** Temp tables/views/triggers live in the connection: the one piece of session state SQLite writes. */
function hasTempObjects(conn: SqliteConnection): boolean {
  return (prepare(conn, 'SELECT count(*) AS n FROM temp.sqlite_master').get() as { n: number }).n > 0;
}

/** The SQLite adapter over `better-sqlite3` (`:memory:` on one connection, WAL and `BEGIN IMMEDIATE` for files, writers queued in-process because the driver is synchronous). */
export const sqliteAdapter: Adapter<SqliteConnection> = {
  engine: 'sqlite',
  driverPackage: 'better-sqlite3',
  capabilities: sqliteCapabilities,

  placeholder: () => '?',

  quoteIdentifier,

  async connect(settings: ConnectionSettings, context?: ConnectContext): Promise<SqliteConnection> {
    const Database = await loadBetterSqlite3();
    const database = settings.database ?? ':memory:';
    const { pragmas, ...driverOptions } = settings.options as { pragmas?: Record<string, unknown> };
    const db = new Database(database, { timeout: DEFAULT_BUSY_TIMEOUT_MS, ...driverOptions });
    const int64 = settings.int64 ?? 'number';
    try {
      // "bigint" and "string" read every INTEGER as a BigInt (see sqlite-int64.ts).
      if (int64 !== 'number') db.defaultSafeIntegers(true);
      if (!db.memory) db.pragma('journal_mode = WAL');
      for (const [name, value] of Object.entries(pragmas ?? {})) db.pragma(`${name} = ${String(value)}`);
    } catch (error) {
      db.close();
      throw error;
    }
    return {
      db,
      lock: isMemory(database) ? undefined : writeLockFor(resolve(database)),
      statements: new StatementLru(context?.statementCacheSize ?? SQLITE_STATEMENT_CACHE_SIZE),
      openIterators: 0,
      queryOnly: false,
      int64,
    };
  },

  connectFailureKind: sqliteConnectFailureKind,

  async close(conn) {
    conn.lock?.forget(conn);
    if (conn.db.open) conn.db.close();
  },

  query: execute,

  querySync: executeNow,

  async ping(conn) {
    prepare(conn, 'SELECT 1').get();
  },

  async reset(conn) {
    // SQLite's session state: temp objects, attached databases and PRAGMAs we may have set.
    if (conn.db.inTransaction) conn.db.exec('ROLLBACK');
    settleLock(conn);
    const temps = conn.db.prepare("SELECT type, name FROM temp.sqlite_master WHERE type IN ('table','view')").all() as { type: string; name: string }[];
    for (const { type, name } of temps) conn.db.exec(`DROP ${type.toUpperCase()} IF EXISTS temp."${name.replaceAll('"', '""')}"`);
    const attached = conn.db.prepare('PRAGMA database_list').all() as { name: string }[];
    for (const { name } of attached) if (name !== 'main' && name !== 'temp') conn.db.exec(`DETACH DATABASE "${name.replaceAll('"', '""')}"`);
    if (conn.queryOnly) {
      conn.db.pragma('query_only = OFF');
      conn.queryOnly = false;
    }
  },

  transactionState(conn): TransactionState {
    return conn.db.inTransaction ? 'active' : 'idle';
  },

  isBroken(conn) {
    return !conn.db.open;
  },

  isUsable(conn) {
    return conn.db.open && conn.openIterators === 0;
  },

  async begin(conn, options: BeginOptions) {
    assertOpen(conn);
    if (options.isolation !== undefined && options.isolation !== 'serializable') {
      throw new UnipoolError('UNIPOOL_UNSUPPORTED', `engine "sqlite" supports only isolation "serializable" (SQLite transactions are always serializable), got "${options.isolation}"`);
    }
    if (options.readOnly === true) {
      // A read-only transaction needs no write lock: a deferred BEGIN plus query_only.
      conn.db.pragma('query_only = ON');
      conn.queryOnly = true;
      conn.db.exec('BEGIN DEFERRED');
      return;
    }
    if (conn.lock !== undefined) {
      const wait = conn.lock.acquire(conn);
      if (wait !== undefined) await wait;
    }
    try {
      conn.db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      settleLock(conn);
      throw error;
    }
  },

  async commit(conn) {
    assertOpen(conn);
    try {
      conn.db.exec('COMMIT');
    } finally {
      endTransaction(conn);
    }
  },

  async rollback(conn) {
    try {
      if (conn.db.inTransaction) conn.db.exec('ROLLBACK');
    } finally {
      endTransaction(conn);
    }
  },

  async savepoint(conn, name) {
    assertOpen(conn);
    conn.db.exec(`SAVEPOINT "${name}"`);
  },

  async releaseSavepoint(conn, name) {
    assertOpen(conn);
    conn.db.exec(`RELEASE SAVEPOINT "${name}"`);
  },

  async rollbackToSavepoint(conn, name) {
    assertOpen(conn);
    conn.db.exec(`ROLLBACK TO SAVEPOINT "${name}"`);
  },

  stream(conn, sql, params) {
    return streamRows(conn, sql, params);
  },
};

function endTransaction(conn: SqliteConnection): void {
  if (conn.queryOnly && !conn.db.inTransaction) {
    conn.db.pragma('query_only = OFF');
    conn.queryOnly = false;
  }
  settleLock(conn);
}

/**
 * better-sqlite3 iterates synchronously from an open statement; `batchSize` has no meaning here.
 * The connection is busy (no other statement may run on it) until the iterator closes.
 */
async function* streamRows(conn: SqliteConnection, sql: string, params: QueryParams | undefined): AsyncIterableIterator<Row> {
  assertOpen(conn);
  // A fresh statement: a cached one may be iterated elsewhere, and an iterating statement is busy.
  const statement = conn.db.prepare(sql);
  if (!statement.reader) throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', 'db.stream() needs a statement that returns rows (SELECT … or … RETURNING); use db.query() for others');
  // Streamed rows cannot be read again: every INTEGER comes as a BigInt and is converted per row.
  statement.safeIntegers(true);
  const names = columns(statement).names;
  const rows = statement.iterate(...bind(params));
  conn.openIterators++;
  try {
    for (const row of rows) yield convertSafeIntegers(conn.int64, row, names);
  } finally {
    rows.return?.();
    conn.openIterators--;
  }
}
