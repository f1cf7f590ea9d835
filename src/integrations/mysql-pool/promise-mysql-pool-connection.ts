import type { MysqlPoolConnection } from './mysql-pool-connection.js';

/** What mysql2's promise API resolves a statement to: `[rows or result header, fields]`. */
export type MysqlPromiseResult = [unknown, unknown];

/** Settles a promise from mysql2's `(error, rows, fields)` callback. */
export function settleWith(resolve: (value: MysqlPromiseResult) => void, reject: (error: unknown) => void) {
  return (error: unknown, rows?: unknown, fields?: unknown): void => {
    if (error) reject(error);
    else resolve([rows, fields]);
  };
}

/**
 * The promise form of a lent connection (mysql2's `PromisePoolConnection`): `query`/`execute`
 * resolve `[rows, fields]`. `.connection` is the callback form (Drizzle streams through it).
 */
export class PromiseMysqlPoolConnection {
  /** The callback-API connection this wraps. */
  readonly connection: MysqlPoolConnection;

  /** @internal — made by `MysqlPoolConnection.promise()`. */
  constructor(connection: MysqlPoolConnection) {
    this.connection = connection;
  }

  get threadId(): number | null {
    return this.connection.threadId;
  }

  query(sql: unknown, values?: unknown): Promise<MysqlPromiseResult> {
    return new Promise((resolve, reject) => {
      this.connection.query(sql, values, settleWith(resolve, reject));
    });
  }

  execute(sql: unknown, values?: unknown): Promise<MysqlPromiseResult> {
    return new Promise((resolve, reject) => {
      this.connection.execute(sql, values, settleWith(resolve, reject));
    });
  }

  async beginTransaction(): Promise<void> {
    await this.query('START TRANSACTION');
  }

  async commit(): Promise<void> {
    await this.query('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.query('ROLLBACK');
  }

  ping(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.connection.ping((error) => (error ? reject(error) : resolve()));
    });
  }

  release(): void {
    this.connection.release();
  }

  destroy(): void {
    this.connection.destroy();
  }

  end(): Promise<void> {
    return new Promise((resolve) => {
      this.connection.end(() => resolve());
    });
  }

  escape(value: unknown): string {
    return this.connection.escape(value);
  }

  escapeId(value: unknown): string {
    return this.connection.escapeId(value);
  }

  format(sql: string, values?: unknown): string {
    return this.connection.format(sql, values);
  }
}
