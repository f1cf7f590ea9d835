import { expect } from 'chai';
import knexFactory from 'knex';
import pg from 'pg';
import { engineUnderTest, uniqueTable } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

// knex 3.3's `connectionPool` given db.pgPool(): knex borrows a client per query (or per
// transaction) with connect() and gives it back with release(); it never ends the pool.
describe('integrations: knex (connectionPool) over db.pgPool()', () => {
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
    name = uniqueTable('knex');
    await raw.query(`CREATE TABLE ${name} (id INTEGER PRIMARY KEY, label TEXT NOT NULL)`);
  });
  afterEach(async () => raw.query(`DROP TABLE ${name}`));
  const onServer = async (): Promise<{ id: number; label: string }[]> => (await raw.query(`SELECT id, label FROM ${name} ORDER BY id`)).rows;

  it('inserts, selects and runs a transaction with a rollback through unipool; destroy() leaves the pool open', async () => {
    const { db } = openDatabase(postgres);
    const knex = knexFactory({ client: 'pg', connectionPool: db.pgPool<pg.Pool>() });
    const before = db.stats().acquired;
    await knex(name).insert([{ id: 1, label: 'one' }, { id: 2, label: 'two' }]);
    expect(await knex(name).select('id', 'label').where({ id: 2 })).to.deep.equal([{ id: 2, label: 'two' }]);
    const failed = await knex
      .transaction(async (trx) => {
        await trx(name).insert({ id: 3, label: 'three' });
        throw new Error('roll back');
      })
      .catch((e: unknown) => e);
    expect(failed).to.have.property('message', 'roll back');
    await knex.transaction(async (trx) => {
      await trx(name).insert({ id: 4, label: 'four' });
    });
    expect(await onServer()).to.deep.equal([
      { id: 1, label: 'one' },
      { id: 2, label: 'two' },
      { id: 4, label: 'four' },
    ]);
    expect(db.stats().acquired - before).to.be.at.least(4);
    await knex.destroy();
    expect(db.stats().inUse).to.equal(0);
    expect((await db.query('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
  });

  it('makes a knex transaction inside db.atomic() a savepoint of it', async () => {
    const { db } = openDatabase(postgres);
    const knex = knexFactory({ client: 'pg', connectionPool: db.pgPool<pg.Pool>() });
    try {
      const failed = await db
        .atomic(async () => {
          await knex.transaction(async (trx) => {
            await trx(name).insert({ id: 1, label: 'knex' });
          });
          expect(await onServer()).to.deep.equal([]);
          throw new Error('outer fails');
        })
        .catch((e: unknown) => e);
      expect(failed).to.have.property('message', 'outer fails');
      expect(await onServer()).to.deep.equal([]);
      await db.atomic(async () => {
        await knex(name).insert({ id: 1, label: 'outer' });
        await knex
          .transaction(async (trx) => {
            await trx(name).insert({ id: 2, label: 'rolled back' });
            throw new Error('inner fails');
          })
          .catch(() => undefined);
      });
      expect(await onServer()).to.deep.equal([{ id: 1, label: 'outer' }]);
    } finally {
      await knex.destroy();
    }
  });
});
