import pg from 'pg';
import type { Database } from '../../../src/index.js';
import { engineUnderTest } from '../../support/engines.js';
import { closeAll, openDatabase } from '../../support/open-database.js';
import { useNumberedTable } from '../../support/pipelining.js';

export const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A PostgreSQL database with pipelining on (the default, written out so the tests keep meaning it); closed by `closePipelined`. */
export function openPipelined(extra: Record<string, unknown> = {}): Database {
  return openDatabase(engineUnderTest('postgres'), { pipeline: true, ...extra }).db;
}

/** Closes every database the test opened. */
export { closeAll as closePipelined } from '../../support/open-database.js';

export { settleAll, teach } from '../../support/pipelining.js';

/**
 * The `pg.Client` objects unipool's pool opens while `spy` is installed: lets a test reach under
 * unipool to send what no caller of `db.query()` could (a raw `BEGIN` into a pipeline), the way a
 * statement that changes state unexpectedly would. Restored by `restore()`.
 */
export function spyOnClients(): { clients: Set<pg.Client>; restore: () => void } {
  const clients = new Set<pg.Client>();
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    clients.add(this);
    return original.apply(this, args);
  };
  return { clients, restore: () => void (proto.query = original) };
}

/** A fresh connection to the server, outside unipool, to check what is really there. */
export async function serverCheck<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A table `(id int PRIMARY KEY, a int)` holding ids 1–100 with `a = id × 10`, fresh for each test of
 * the calling `describe` and handed to `use`; after the test the databases `openPipelined` opened
 * are closed and the table dropped.
 */
export function usePipelinedTable(prefix: string, use: (table: string) => void): void {
  useNumberedTable(prefix, use, {
    create: (table) => [`CREATE TABLE ${table} (id int PRIMARY KEY, a int)`, `INSERT INTO ${table} SELECT g, g * 10 FROM generate_series(1, 100) AS g`],
    run: (statements) =>
      serverCheck(async (c) => {
        for (const sql of statements) await c.query(sql);
      }),
    closeAll,
  });
}
