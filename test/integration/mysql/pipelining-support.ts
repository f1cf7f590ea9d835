import mysql2 from 'mysql2';
import mysql from 'mysql2/promise';
import type { Database, Databases } from '../../../src/index.js';
import { engineUnderTest } from '../../support/engines.js';
import { closeAll, openDatabase } from '../../support/open-database.js';
import type { MysqlConnection } from '../../../adapters/mysql/mysql-driver-types.js';
import { queryCommand, sendAhead } from '../../../adapters/mysql/mysql-send-ahead.js';
import { useNumberedTable } from '../../support/pipelining.js';

/**
 * A MySQL/MariaDB database with pipelining on (the default, written out so the tests keep meaning
 * it); `extra` is merged into the config (pool, statementCacheSize, url…). Closed by `closePipelined`.
 */
export function openPipelined(extra: Record<string, unknown> = {}): { dbs: Databases<'default'>; db: Database } {
  return openDatabase(engineUnderTest('mysql'), { pipeline: true, ...extra });
}

/** Closes every database the test opened. */
export { closeAll as closePipelined } from '../../support/open-database.js';

export { settleAll, teach } from '../../support/pipelining.js';

/** The values of the fulfilled outcomes, in order. */
export function fulfilled<T>(outcomes: readonly PromiseSettledResult<T>[]): T[] {
  return outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
}

/** The reasons of the rejected outcomes, in order. */
export function rejected<T>(outcomes: readonly PromiseSettledResult<T>[]): { code?: string; message?: string }[] {
  return outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as { code?: string; message?: string }] : []));
}

/**
 * The mysql2 connections unipool's pool uses while the spy is installed (every command, ours or
 * mysql2's, goes through `addCommand`): lets a test reach under unipool to write what no caller of
 * `db.query()` could (a raw START TRANSACTION into a pipeline). Restored by `restore()`.
 */
export function spyOnConnections(): { connections: Set<MysqlConnection>; restore: () => void } {
  const connections = new Set<MysqlConnection>();
  type WithAddCommand = { addCommand: (...args: unknown[]) => unknown };
  // The class that defines it (mysql2's Connection inherits it from its base class).
  let found = mysql2.Connection.prototype as unknown as WithAddCommand | null;
  while (found !== null && !Object.prototype.hasOwnProperty.call(found, 'addCommand')) found = Object.getPrototypeOf(found) as WithAddCommand | null;
  if (found === null) throw new Error('mysql2 connections have no addCommand: the spy needs updating');
  const owner = found;
  const original = owner.addCommand;
  owner.addCommand = function (this: MysqlConnection, ...args: unknown[]) {
    connections.add(this);
    return original.apply(this, args);
  };
  return { connections, restore: () => void (owner.addCommand = original) };
}

/**
 * Writes `sql` on `conn` at once, behind whatever is in flight there, the way a pipelined statement
 * is written; resolves with its error or undefined once its reply is read.
 */
export function writeIntoPipeline(conn: MysqlConnection, sql: string): Promise<Error | undefined> {
  return new Promise((resolve) => {
    sendAhead(conn, queryCommand(conn, sql, [], false, (error) => resolve(error ?? undefined)));
  });
}

/** A fresh connection to the server, outside unipool, to check what is really there. */
export async function serverCheck<T>(fn: (conn: mysql.Connection) => Promise<T>, database = 'test'): Promise<T> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database });
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

/** The rows of `sql`, run on a fresh connection outside unipool. */
export function serverRows<R>(sql: string, values: unknown[] = []): Promise<R[]> {
  return serverCheck(async (c) => (await c.query(sql, values))[0] as R[]);
}

/**
 * A table `(id int PRIMARY KEY, a int)` holding ids 1–100 with `a = id × 10`, fresh for each test of
 * the calling `describe` and handed to `use`; after the test the databases `openPipelined` opened
 * are closed and the table dropped.
 */
export function usePipelinedTable(prefix: string, use: (table: string) => void): void {
  useNumberedTable(prefix, use, {
    create: (table) => [`CREATE TABLE ${table} (id int PRIMARY KEY, a int) ENGINE=InnoDB`, `INSERT INTO ${table} SELECT seq, seq * 10 FROM seq_1_to_100`],
    run: (statements) =>
      serverCheck(async (c) => {
        for (const sql of statements) await c.query(sql);
      }),
    closeAll,
  });
}
