import type { MysqlPool } from './mysql-pool.js';
import { settleWith, type MysqlPromiseResult, type PromiseMysqlPoolConnection } from './promise-mysql-pool-connection.js';

/**
 * The promise form of `db.mysqlPool()` (mysql2's `PromisePool`): what `pool.promise()` returns and
 * what Drizzle's mysql2 driver uses. `.pool` is the callback form (knex looks for it).
 */
export class PromiseMysqlPool {
  /** The callback-API pool this wraps. */
  readonly pool: MysqlPool;

  /** @internal — made by `MysqlPool.promise()`. */
  constructor(pool: MysqlPool) {
    this.pool = pool;
  }

  /** Borrows, runs and gives back one statement (or runs on the held connection inside `atomic()`/`session()`). */
  query(sql: unknown, values?: unknown): Promise<MysqlPromiseResult> {
    return new Promise((resolve, reject) => {
      this.pool.query(sql, values, settleWith(resolve, reject));
    });
  }

  execute(sql: unknown, values?: unknown): Promise<MysqlPromiseResult> {
    return new Promise((resolve, reject) => {
      this.pool.execute(sql, values, settleWith(resolve, reject));
    });
  }

  /** Lends a connection until `release()`. */
  getConnection(): Promise<PromiseMysqlPoolConnection> {
    return new Promise((resolve, reject) => {
      this.pool.getConnection((error, connection) => {
        if (error || connection === undefined) reject(error);
        else resolve(connection.promise());
      });
    });
  }

  releaseConnection(connection: PromiseMysqlPoolConnection): void {
    connection.release();
  }

  /** Resolves at once: the pool belongs to `dbs` (`dbs.close()` closes it). */
  end(): Promise<void> {
    return Promise.resolve();
  }

  escape(value: unknown): string {
    return this.pool.escape(value);
  }

  escapeId(value: unknown): string {
    return this.pool.escapeId(value);
  }

  format(sql: string, values?: unknown): string {
    return this.pool.format(sql, values);
  }
}
