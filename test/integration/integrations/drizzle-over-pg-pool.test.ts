import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { engineUnderTest, uniqueTable } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

// Drizzle's node-postgres driver given db.pgPool() as its client: its queries and transactions run
// through unipool (stats grow), and a Drizzle transaction inside db.atomic() is part of it.
describe('integrations: Drizzle (node-postgres) over db.pgPool()', () => {
  closeDatabasesAfterEach();
  const postgres = engineUnderTest('postgres');
  let raw: pg.Client;
  let name: string;
  let items: ReturnType<typeof itemsTable>;
  const itemsTable = (table: string) => pgTable(table, { id: integer('id').primaryKey(), label: text('label').notNull() });
  before(async () => {
    raw = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await raw.connect();
  });
  after(async () => raw.end());
  beforeEach(async () => {
    name = uniqueTable('drizzle');
    items = itemsTable(name);
    await raw.query(`CREATE TABLE ${name} (id INTEGER PRIMARY KEY, label TEXT NOT NULL)`);
  });
  afterEach(async () => raw.query(`DROP TABLE ${name}`));
  const onServer = async (): Promise<{ id: number; label: string }[]> => (await raw.query(`SELECT id, label FROM ${name} ORDER BY id`)).rows;

  it('inserts, selects and runs transactions (rollback, nested) through unipool', async () => {
    const { db } = openDatabase(postgres);
    const orm = drizzle({ client: db.pgPool<pg.Pool>() });
    const before = db.stats().acquired;
    await orm.insert(items).values([{ id: 1, label: 'one' }, { id: 2, label: 'two' }]);
    expect(await orm.select().from(items).where(eq(items.id, 2))).to.deep.equal([{ id: 2, label: 'two' }]);

    const rolledBack = await orm
      .transaction(async (tx) => {
        await tx.insert(items).values({ id: 3, label: 'three' });
        tx.rollback();
      })
      .catch((e: unknown) => e);
    expect(rolledBack).to.have.property('message', 'Rollback');

    await orm.transaction(async (tx) => {
      await tx.insert(items).values({ id: 4, label: 'four' });
      await tx
        .transaction(async (inner) => {
          await inner.insert(items).values({ id: 5, label: 'five' });
          throw new Error('inner fails');
        })
        .catch(() => undefined);
      await tx.transaction(async (inner) => {
        await inner.update(items).set({ label: 'FOUR' }).where(eq(items.id, 4));
      });
    });

    expect(await onServer()).to.deep.equal([
      { id: 1, label: 'one' },
      { id: 2, label: 'two' },
      { id: 4, label: 'FOUR' },
    ]);
    expect(await orm.select().from(items).orderBy(asc(items.id))).to.have.length(3);
    expect(db.stats().acquired - before).to.be.at.least(5);
    expect(db.stats().inUse).to.equal(0);
  });

  it('runs prepared (named) statements', async () => {
    const { db } = openDatabase(postgres);
    const orm = drizzle({ client: db.pgPool<pg.Pool>() });
    await orm.insert(items).values({ id: 1, label: 'one' });
    const byId = orm.select().from(items).where(eq(items.id, 1)).prepare(uniqueTable('by_id'));
    expect(await byId.execute()).to.deep.equal([{ id: 1, label: 'one' }]);
    expect(await byId.execute()).to.deep.equal([{ id: 1, label: 'one' }]);
  });

  it('commits a Drizzle transaction inside db.atomic() only with the outer block, and rolls it back with it', async () => {
    const { db } = openDatabase(postgres);
    const orm = drizzle({ client: db.pgPool<pg.Pool>() });
    const failed = await db
      .atomic(async () => {
        await db.query(`INSERT INTO ${name} VALUES (1, 'outer')`);
        await orm.transaction(async (tx) => {
          await tx.insert(items).values({ id: 2, label: 'drizzle' });
        });
        expect(await onServer()).to.deep.equal([]);
        throw new Error('outer fails');
      })
      .catch((e: unknown) => e);
    expect(failed).to.have.property('message', 'outer fails');
    expect(await onServer()).to.deep.equal([]);

    await db.atomic(async () => {
      await db.query(`INSERT INTO ${name} VALUES (1, 'outer')`);
      await orm
        .transaction(async (tx) => {
          await tx.insert(items).values({ id: 2, label: 'rolled back' });
          tx.rollback();
        })
        .catch(() => undefined);
      await orm.transaction(async (tx) => {
        await tx.insert(items).values({ id: 3, label: 'drizzle' });
      });
      expect(await onServer()).to.deep.equal([]);
    });
    expect(await onServer()).to.deep.equal([
      { id: 1, label: 'outer' },
      { id: 3, label: 'drizzle' },
    ]);
  });
});
