import type { ConnectionSettings } from '../../adapter.js';
import { loadDriver } from '../../load-driver.js';
import { mysqlSslOption } from '../../../adapters/mysql/index.js';
import { pgSslOption } from '../../../adapters/postgres/index.js';
import type { ContenderSpec, PoolUnderTest, QueryFn, Statement } from './pool-under-test.js';

/*
 * The drivers' own pools, as their users write them. The drivers are loaded on first use (src/
 * never imports one) and typed here by the few members the benchmark touches.
 */

interface PgClientLike {
  query(text: string, values?: readonly unknown[]): Promise<unknown>;
  release(error?: Error | boolean): void;
}
interface PgPoolLike {
  readonly totalCount: number;
  readonly idleCount: number;
  query(text: string, values?: readonly unknown[]): Promise<unknown>;
  connect(): Promise<PgClientLike>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
interface PgModuleLike {
  readonly Pool: new (config: Record<string, unknown>) => PgPoolLike;
}

type MysqlCallback = (error: Error | null, result?: unknown) => void;
interface MysqlConnectionLike {
  query(sql: string, values: readonly unknown[] | undefined, callback: MysqlCallback): unknown;
  release(): void;
  destroy(): void;
}
interface MysqlPoolLike {
  readonly _allConnections?: { readonly length: number };
  readonly _freeConnections?: { readonly length: number };
  query(sql: string, values: readonly unknown[] | undefined, callback: MysqlCallback): unknown;
  getConnection(callback: (error: Error | null, connection: MysqlConnectionLike) => void): void;
  end(callback: (error?: Error | null) => void): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
interface MysqlModuleLike {
  createPool(config: Record<string, unknown>): MysqlPoolLike;
}

interface SqliteStatementLike {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}
interface SqliteDatabaseLike {
  prepare(sql: string): SqliteStatementLike;
  pragma(text: string): unknown;
  transaction<A extends unknown[]>(fn: (...args: A) => void): { immediate(...args: A): void };
  close(): void;
}
type SqliteConstructorLike = new (file: string, options?: Record<string, unknown>) => SqliteDatabaseLike;

/** Identity of a raw contender (the PgBouncer contender is a raw `pg.Pool` with another id). */
export interface RawIdentity {
  readonly id: string;
  readonly label: string;
}

/** `pg.Pool`: `pool.query()` for one statement, `pool.connect()` … `release()` around a request or transaction. */
export function rawPgContender(settings: ConnectionSettings, identity: RawIdentity = { id: 'raw', label: 'pg.Pool' }): ContenderSpec {
  return {
    ...identity,
    async open({ max, tag }): Promise<PoolUnderTest> {
      const pg = await loadDriver<PgModuleLike>('postgres', 'pg');
      const pool = new pg.Pool({ ...pgConfig(settings), max, application_name: tag });
      pool.on('error', () => undefined); // an idle client dying is the benchmark's problem, not a crash
      const withClient = async (body: (client: PgClientLike) => Promise<void>): Promise<void> => {
        const client = await pool.connect();
        try {
          await body(client);
        } catch (error) {
          client.release(error as Error);
          throw error;
        }
        client.release();
      };
      return {
        query: (sql, params) => pool.query(sql, params),
        request: (body) => withClient((client) => body((sql, params) => client.query(sql, params))),
        transaction: (statements) =>
          withClient(async (client) => {
            await client.query('BEGIN');
            try {
              for (const { sql, params } of statements) await client.query(sql, params);
            } catch (error) {
              await client.query('ROLLBACK');
              throw error;
            }
            await client.query('COMMIT');
          }),
        inUse: () => pool.totalCount - pool.idleCount,
        close: () => pool.end(),
      };
    },
  };
}

export function pgConfig(settings: ConnectionSettings): Record<string, unknown> {
  const { host, port, database, user, password, ssl } = settings;
  const sslOption = pgSslOption(ssl);
  return { host, port, database, user, password, ...(sslOption === undefined ? {} : { ssl: sslOption }), ...settings.options };
}

function mysqlQuery(target: Pick<MysqlPoolLike, 'query'>, sql: string, params: readonly unknown[] | undefined): Promise<unknown> {
  return new Promise((resolve, reject) => {
    target.query(sql, params, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** The `mysql2` pool (callback API, text protocol — the same protocol unipool's adapter uses). */
export function rawMysqlContender(settings: ConnectionSettings): ContenderSpec {
  return {
    id: 'raw',
    label: 'mysql2 pool',
    async open({ max }): Promise<PoolUnderTest> {
      const mysql = await loadDriver<MysqlModuleLike>('mysql', 'mysql2');
      const { host, port, database, user, password, ssl } = settings;
      const pool = mysql.createPool({ host, port, database, user, password, ...mysqlSslOption(ssl), ...settings.options, connectionLimit: max });
      pool.on('error', () => undefined);
      const withConnection = async (body: (query: QueryFn) => Promise<void>): Promise<void> => {
        const conn = await new Promise<MysqlConnectionLike>((resolve, reject) => pool.getConnection((error, c) => (error ? reject(error) : resolve(c))));
        try {
          await body((sql, params) => mysqlQuery(conn, sql, params));
        } catch (error) {
          conn.destroy();
          throw error;
        }
        conn.release();
      };
      return {
        query: (sql, params) => mysqlQuery(pool, sql, params),
        request: withConnection,
        transaction: (statements: readonly Statement[]) =>
          withConnection(async (query) => {
            await query('START TRANSACTION');
            for (const { sql, params } of statements) await query(sql, params);
            await query('COMMIT');
          }),
        inUse: () => (pool._allConnections?.length ?? 0) - (pool._freeConnections?.length ?? 0),
        close: () => new Promise<void>((resolve, reject) => pool.end((error) => (error ? reject(error) : resolve()))),
      };
    },
  };
}

/**
 * One `better-sqlite3` connection with cached statements — how SQLite is used without a pool. Its
 * calls are synchronous, so `max` does not apply; a transaction runs in one synchronous
 * `db.transaction().immediate()`.
 */
export function rawSqliteContender(file: string): ContenderSpec {
  return {
    id: 'raw',
    label: 'better-sqlite3',
    async open(): Promise<PoolUnderTest> {
      const Database = await loadDriver<SqliteConstructorLike>('sqlite', 'better-sqlite3');
      const db = new Database(file, { timeout: 5000 });
      db.pragma('journal_mode = WAL');
      const statements = new Map<string, SqliteStatementLike>();
      const prepared = (sql: string): SqliteStatementLike => {
        let statement = statements.get(sql);
        if (statement === undefined) statements.set(sql, (statement = db.prepare(sql)));
        return statement;
      };
      const run = (sql: string, params: readonly unknown[] = []): unknown => {
        const statement = prepared(sql);
        return statement.reader ? statement.all(...params) : statement.run(...params);
      };
      const transaction = db.transaction((list: readonly Statement[]) => {
        for (const { sql, params } of list) run(sql, params);
      });
      const query: QueryFn = async (sql, params) => run(sql, params);
      return {
        query,
        request: (body) => body(query),
        transaction: async (list) => transaction.immediate(list),
        inUse: () => 1,
        close: async () => db.close(),
      };
    },
  };
}
