import { expect } from 'chai';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { engineUnderTest, uniqueTable } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

interface Item {
  id: number;
  label: string;
}

// Kysely's own PostgresDialect given db.pgPool() as its pool.
describe('integrations: Kysely PostgresDialect over db.pgPool()', () => {
  closeDatabasesAfterEach();
  const postgres = engineUnderTest('postgres');
  let raw: pg.Client;
  let name: string;
  before(async () => {
    raw = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await raw.connect();
  });
  after(async () => raw.end());
  beforeEach(async () => {
    name = uniqueTable('kysely');
    await raw.query(`CREATE TABLE ${name} (id INTEGER PRIMARY KEY, label TEXT NOT NULL)`);
  });
  afterEach(async () => raw.query(`DROP TABLE ${name}`));
  const onServer = async (): Promise<Item[]> => (await raw.query(`SELECT id, label FROM ${name} ORDER BY id`)).rows;

  it('inserts, selects and runs a transaction with a rollback through unipool; destroy() leaves the pool open', async () => {
    const { db } = openDatabase(postgres);
    const kysely = new Kysely<Record<string, Item>>({ dialect: new PostgresDialect({ pool: db.pgPool<pg.Pool>() }) });
    const before = db.stats().acquired;
    await kysely.insertInto(name).values([{ id: 1, label: 'one' }, { id: 2, label: 'two' }]).execute();
    expect(await kysely.selectFrom(name).selectAll().where('id', '=', 2).execute()).to.deep.equal([{ id: 2, label: 'two' }]);
    const failed = await kysely
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto(name).values({ id: 3, label: 'three' }).execute();
        throw new Error('roll back');
      })
      .catch((e: unknown) => e);
    expect(failed).to.have.property('message', 'roll back');
    await kysely
      .transaction()
      .setIsolationLevel('serializable')
      .execute(async (trx) => {
        await trx.insertInto(name).values({ id: 4, label: 'four' }).execute();
      });
    expect(await onServer()).to.deep.equal([
      { id: 1, label: 'one' },
      { id: 2, label: 'two' },
      { id: 4, label: 'four' },
    ]);
    expect(db.stats().acquired - before).to.be.at.least(4);
    await kysely.destroy();
    expect((await db.query('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
    expect(db.stats().inUse).to.equal(0);
  });

  it('makes a Kysely transaction inside db.atomic() a savepoint of it', async () => {
    const { db } = openDatabase(postgres);
    const kysely = new Kysely<Record<string, Item>>({ dialect: new PostgresDialect({ pool: db.pgPool<pg.Pool>() }) });
    const failed = await db
      .atomic(async () => {
        await kysely.transaction().execute(async (trx) => {
          await trx.insertInto(name).values({ id: 1, label: 'kysely' }).execute();
        });
        expect(await onServer()).to.deep.equal([]);
        throw new Error('outer fails');
      })
      .catch((e: unknown) => e);
    expect(failed).to.have.property('message', 'outer fails');
    expect(await onServer()).to.deep.equal([]);
    await db.atomic(async () => {
      await sql`INSERT INTO ${sql.table(name)} VALUES (1, 'outer')`.execute(kysely);
      await kysely
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto(name).values({ id: 2, label: 'rolled back' }).execute();
          throw new Error('inner fails');
        })
        .catch(() => undefined);
    });
    expect(await onServer()).to.deep.equal([{ id: 1, label: 'outer' }]);
  });
});
