import type { MysqlCommand, MysqlQueryCallback } from '../../../adapters/mysql/index.js';

/**
 * The members of a mysql2 connection (callback API) that `db.mysqlPool()` calls with a library's
 * own arguments. The raw connection behind a lease is the adapter's `MysqlConnection`; this is the
 * wider view of the same object.
 */
export interface NativeMysqlConnection {
  readonly threadId: number | null;
  readonly state?: string;
  readonly config: object;
  query(sql: unknown, values: unknown, callback?: MysqlQueryCallback): MysqlCommand;
  execute(sql: unknown, values: unknown, callback?: MysqlQueryCallback): MysqlCommand;
  ping(callback: (error: Error | null) => void): MysqlCommand;
  escape(value: unknown): string;
  escapeId(value: unknown): string;
  format(sql: string, values?: unknown): string;
}

export type { MysqlQueryCallback };
