/**
 * Drizzle ORM on SQLite through unipool, with `drizzle-orm/sqlite-proxy`: Drizzle builds the SQL,
 * unipool runs it (its pool, limits, write-lock queue, metrics). Drizzle's transactions send their
 * own BEGIN … COMMIT, so run them inside a request scope (`dbs.scope()`, or per request with
 * `dbs.middleware()` / `unipool/fastify`): there a manual transaction keeps its connection until
 * COMMIT/ROLLBACK.
 *
 *   npx tsx examples/drizzle-sqlite-proxy.ts [path/to/file.sqlite3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { drizzle } from 'drizzle-orm/sqlite-proxy';
import { createDatabases } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'unipool-drizzle-'));
const dbs = createDatabases({ default: { engine: 'sqlite', database: process.argv[2] ?? join(dir, 'app.sqlite3'), pool: { max: 4 } } });
const db = dbs.default;

// The three lines that wire it: Drizzle's proxy callback runs each statement through unipool.
// sqlite-proxy wants each row as an array of column values, in select order.
const orm = drizzle(async (sql, params, method) => {
  const { rows } = await db.query(sql, params);
  const values = rows.map((row) => Object.values(row));
  return { rows: method === 'get' ? (values[0] ?? []) : values };
});

const users = sqliteTable('users', { id: integer('id').primaryKey(), name: text('name').notNull() });

try {
  await db.query('CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  await orm.insert(users).values([{ name: 'ada' }, { name: 'bob' }]);
  const bob = await orm.select().from(users).where(eq(users.name, 'bob')).get();

  await dbs.scope(() =>
    orm.transaction(async (tx) => {
      await tx.insert(users).values({ name: 'kept' });
      await tx
        .transaction(async (nested) => {
          await nested.insert(users).values({ name: 'nested-undone' });
          throw new Error('undo the nested one');
        })
        .catch(() => undefined);
    }),
  );
  const failed = await dbs
    .scope(() =>
      orm.transaction(async (tx) => {
        await tx.insert(users).values({ name: 'rolled-back' });
        throw new Error('boom');
      }),
    )
    .catch((error: Error) => error.message);

  const names = (await orm.select({ name: users.name }).from(users).orderBy(users.id)).map((row) => row.name);
  const { acquired, inUse } = db.stats();
  console.log(JSON.stringify({ bob, failed, names, acquired, inUse }));
} finally {
  await dbs.close();
  rmSync(dir, { recursive: true, force: true });
}
