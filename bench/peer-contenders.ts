import mariadb from 'mariadb';
import mysqlPromise from 'mysql2/promise';
import postgres from 'postgres';
import type { ConnectionSettings } from '../src/adapter.js';
import type { ContenderSpec, PoolUnderTest, QueryFn } from '../src/cli/bench/pool-under-test.js';

/*
 * The other Node clients people pick for speed, driven the way their own docs show: postgres.js
 * (`sql.unsafe` for a statement text with $n parameters, `sql.begin` for transactions), mysql2's
 * promise pool and the `mariadb` connector's pool. Benchmark-only: the library never loads them.
 */

/** postgres.js; `prepare`: its default (named statements, prepared once per connection) or unnamed. */
export function postgresJsContender(settings: ConnectionSettings, prepare: boolean): ContenderSpec {
  return {
    id: prepare ? 'postgres-js' : 'postgres-js-unprepared',
    label: prepare ? 'postgres.js' : 'postgres.js (prepare: false)',
    async open({ max, tag }): Promise<PoolUnderTest> {
      const { host, port, database, user, password } = settings;
      const sql = postgres({ host, port, database, username: user, password, max, prepare, connection: { application_name: tag }, onnotice: () => undefined });
      const query: QueryFn = (text, params = []) => sql.unsafe(text, params as never[], { prepare });
      return {
        query,
        async request(body) {
          const reserved = await sql.reserve();
          try {
            await body((text, params = []) => reserved.unsafe(text, params as never[], { prepare }));
          } finally {
            reserved.release();
          }
        },
        transaction: async (statements) => {
          await sql.begin(async (tx) => {
            for (const { sql: text, params } of statements) await tx.unsafe(text, params as never[], { prepare });
          });
        },
        // postgres.js keeps its connection counts private.
        inUse: () => 0,
        close: () => sql.end({ timeout: 5 }),
      };
    },
  };
}

interface Mysql2PoolInternals {
  readonly pool?: { readonly _allConnections?: { length: number }; readonly _freeConnections?: { length: number } };
}

/** mysql2's promise pool (`mysql2/promise`), `pool.query()` (text protocol, as unipool's adapter by default). */
export function mysql2PromiseContender(settings: ConnectionSettings): ContenderSpec {
  return {
    id: 'mysql2-promise',
    label: 'mysql2 promise pool',
    async open({ max }): Promise<PoolUnderTest> {
      const { host, port, database, user, password } = settings;
      const pool = mysqlPromise.createPool({ host, port, database, user, password, connectionLimit: max });
      const query: QueryFn = (text, params) => pool.query(text, params as unknown[]);
      return {
        query,
        async request(body) {
          const conn = await pool.getConnection();
          try {
            await body((text, params) => conn.query(text, params as unknown[]));
          } finally {
            conn.release();
          }
        },
        async transaction(statements) {
          const conn = await pool.getConnection();
          try {
            await conn.beginTransaction();
            for (const { sql: text, params } of statements) await conn.query(text, params as unknown[]);
            await conn.commit();
          } catch (error) {
            await conn.rollback().catch(() => undefined);
            throw error;
          } finally {
            conn.release();
          }
        },
        inUse: () => {
          const inner = (pool as unknown as Mysql2PoolInternals).pool;
          return (inner?._allConnections?.length ?? 0) - (inner?._freeConnections?.length ?? 0);
        },
        close: () => pool.end(),
      };
    },
  };
}

/** The `mariadb` connector's pool. */
export function mariadbContender(settings: ConnectionSettings): ContenderSpec {
  return {
    id: 'mariadb',
    label: 'mariadb pool',
    async open({ max }): Promise<PoolUnderTest> {
      const { host, port, database, user, password } = settings;
      const pool = mariadb.createPool({ host, port, database, user, password, connectionLimit: max, acquireTimeout: 60_000 });
      const query: QueryFn = (text, params) => pool.query(text, params);
      return {
        query,
        async request(body) {
          const conn = await pool.getConnection();
          try {
            await body((text, params) => conn.query(text, params));
          } finally {
            await conn.release();
          }
        },
        async transaction(statements) {
          const conn = await pool.getConnection();
          try {
            await conn.beginTransaction();
            for (const { sql: text, params } of statements) await conn.query(text, params);
            await conn.commit();
          } catch (error) {
            await conn.rollback().catch(() => undefined);
            throw error;
          } finally {
            await conn.release();
          }
        },
        inUse: () => pool.activeConnections(),
        close: () => pool.end(),
      };
    },
  };
}
