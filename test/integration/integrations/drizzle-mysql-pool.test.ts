import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/mysql2';
import { int, mysqlTable, varchar } from 'drizzle-orm/mysql-core';
import type { Pool } from 'mysql2';
import { engineUnderTest, uniqueTable } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';
import { mysqlServerNames } from '../../support/mysql-names-table.js';

const mariadb = engineUnderTest('mysql');

describe('mysql: Drizzle (mysql2 driver) over db.mysqlPool()', () => {
  closeDatabasesAfterEach();
  const table = uniqueTable('drizzle');
  const users = mysqlTable(table, { id: int('id').primaryKey().autoincrement(), name: varchar('name', { length: 50 }).notNull() });

  beforeEach(async () => {
    const { db } = openDatabase(mariadb);
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.query(`CREATE TABLE ${table} (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL)`);
  });

  after(async () => {
    const { dbs, db } = openDatabase(mariadb);
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await dbs.close();
  });

  it('inserts and selects, one pooled connection per statement', async () => {
    const { db } = openDatabase(mariadb, { pool: { max: 3 } });
    const orm = drizzle({ client: db.mysqlPool<Pool>() });
    const before = db.stats().acquired;
    await orm.insert(users).values([{ name: 'ada' }, { name: 'bob' }]);
    const rows = await orm.select().from(users).where(eq(users.name, 'bob'));
    expect(rows).to.have.length(1);
    expect(rows[0]?.name).to.equal('bob');
    expect(db.stats().acquired - before).to.equal(2);
    expect(db.stats().inUse).to.equal(0);
    expect(await mysqlServerNames(table)).to.deep.equal(['ada', 'bob']);
  });

  it("streams with Drizzle's iterator() on a lent connection and gives it back at the end", async () => {
    const { db } = openDatabase(mariadb, { pool: { max: 2 } });
    const orm = drizzle({ client: db.mysqlPool<Pool>() });
    await orm.insert(users).values([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    const names: string[] = [];
    for await (const row of orm.select().from(users).orderBy(users.id).iterator()) names.push(row.name);
    expect(names).to.deep.equal(['a', 'b', 'c']);
    expect(db.stats().inUse).to.equal(0);
    expect(db.stats().destroyed).to.equal(0);
  });

  it('commits a transaction, rolls one back, and nests with savepoints', async () => {
    const { db } = openDatabase(mariadb, { pool: { max: 3 } });
    const orm = drizzle({ client: db.mysqlPool<Pool>() });
    await orm.transaction(async (tx) => {
      await tx.insert(users).values({ name: 'kept' });
      await tx
        .transaction(async (inner) => {
          await inner.insert(users).values({ name: 'inner-undone' });
          throw new Error('undo the inner one');
        })
        .catch(() => undefined);
      await tx.transaction(async (inner) => {
        await inner.insert(users).values({ name: 'inner-kept' });
      });
      expect(db.stats().inUse).to.equal(1);
    });
    const failed = await orm
      .transaction(async (tx) => {
        await tx.insert(users).values({ name: 'rolled-back' });
        throw new Error('boom');
      })
      .catch((error: Error) => error.message);
    expect(failed).to.equal('boom');
    expect(await mysqlServerNames(table)).to.deep.equal(['kept', 'inner-kept']);
    expect(db.stats().inUse).to.equal(0);
  });

  it("joins db.atomic(): Drizzle's transaction becomes a savepoint and commits or rolls back with it", async () => {
    const { db } = openDatabase(mariadb, { pool: { max: 3 } });
    const orm = drizzle({ client: db.mysqlPool<Pool>() });
    await db.atomic(async () => {
      await db.query(`INSERT INTO ${table} (name) VALUES ('outer')`);
      await orm.transaction(async (tx) => {
        await tx.insert(users).values({ name: 'drizzle' });
      });
      // Still inside the outer transaction: the server has committed nothing yet.
      expect(await mysqlServerNames(table)).to.deep.equal([]);
      expect(db.stats().inUse).to.equal(1);
    });
    expect(await mysqlServerNames(table)).to.deep.equal(['outer', 'drizzle']);

    const error = await db
      .atomic(async () => {
        await orm.transaction(async (tx) => {
          await tx.insert(users).values({ name: 'gone' });
        });
        throw new Error('outer fails');
      })
      .catch((e: Error) => e.message);
    expect(error).to.equal('outer fails');
    expect(await mysqlServerNames(table)).to.deep.equal(['outer', 'drizzle']);
    expect(db.stats().inUse).to.equal(0);
  });
});
