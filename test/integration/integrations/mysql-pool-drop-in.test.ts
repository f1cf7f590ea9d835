import { expect } from 'chai';
import knex from 'knex';
import { Kysely, MysqlDialect, type Generated } from 'kysely';
import type { Pool } from 'mysql2';
import { createDatabases, type DatabaseConfig, type PromiseMysqlPool, type PromiseMysqlPoolConnection } from '../../../src/index.js';
import { engineUnderTest, eventually } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';
import { mysqlServerNames, useMysqlNamesTable } from '../../support/mysql-names-table.js';

const mariadb = engineUnderTest('mysql');
const postgres = engineUnderTest('postgres');

interface Tables {
  [table: string]: { id: Generated<number>; name: string };
}


describe('mysql: db.mysqlPool() as a mysql2 pool', () => {
  closeDatabasesAfterEach();
  let table: string;
  useMysqlNamesTable('mysqlpool', (name) => (table = name));

  it('is the same object on every call, with a promise form', () => {
    const { db } = openDatabase(mariadb);
    expect(db.mysqlPool()).to.equal(db.mysqlPool());
    expect(db.mysqlPool().promise()).to.equal(db.mysqlPool().promise());
  });

  it("serves Kysely's own MysqlDialect: statements, a transaction rolled back, one inside db.atomic(), a stream", async () => {
    const { db } = openDatabase(mariadb, { pool: { max: 3 } });
    const kysely = new Kysely<Tables>({ dialect: new MysqlDialect({ pool: db.mysqlPool<Pool>() }) });
    const before = db.stats().acquired;
    await kysely.insertInto(table).values([{ name: 'ada' }, { name: 'bob' }]).execute();
    expect(await kysely.selectFrom(table).select('name').orderBy('id').execute()).to.deep.equal([{ name: 'ada' }, { name: 'bob' }]);
    expect(db.stats().acquired - before).to.equal(2);
    await kysely
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto(table).values({ name: 'undone' }).execute();
        throw new Error('boom');
      })
      .catch(() => undefined);
    await db.atomic(async () => {
      await kysely.transaction().execute((trx) => trx.insertInto(table).values({ name: 'in-atomic' }).execute());
      expect(await mysqlServerNames(table)).to.deep.equal(['ada', 'bob']);
    });
    const streamed: string[] = [];
    for await (const row of kysely.selectFrom(table).select('name').orderBy('id').stream()) streamed.push(row.name);
    expect(streamed).to.deep.equal(['ada', 'bob', 'in-atomic']);
    expect(await mysqlServerNames(table)).to.deep.equal(['ada', 'bob', 'in-atomic']);
    await kysely.destroy(); // MysqlDialect calls pool.end(): a no-op, the pool belongs to dbs
    expect((await db.query('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
    expect(db.stats().inUse).to.equal(0);
  });

  it("serves knex's connectionPool (callback getConnection, query with options, release)", async () => {
    const { db } = openDatabase(mariadb, { pool: { max: 3 } });
    const k = knex({ client: 'mysql2', connectionPool: db.mysqlPool() });
    try {
      await k(table).insert([{ name: 'ada' }, { name: 'bob' }]);
      expect(await k(table).select('name').orderBy('id')).to.deep.equal([{ name: 'ada' }, { name: 'bob' }]);
      await k
        .transaction(async (trx) => {
          await trx(table).insert({ name: 'undone' });
          throw new Error('boom');
        })
        .catch(() => undefined);
      await db.atomic(async () => {
        await k.transaction((trx) => trx(table).insert({ name: 'in-atomic' }));
        // Joined the atomic() connection: nothing is committed until the block ends.
        expect(await mysqlServerNames(table)).to.deep.equal(['ada', 'bob']);
      });
      expect(await mysqlServerNames(table)).to.deep.equal(['ada', 'bob', 'in-atomic']);
      expect(db.stats().inUse).to.equal(0);
    } finally {
      await k.destroy();
    }
  });

  it('runs pool.query() and pool.execute() on the connection db.atomic()/db.session() holds', async () => {
    const { db } = openDatabase(mariadb, { pool: { max: 3 } });
    const pool = db.mysqlPool().promise();
    await db.atomic(async () => {
      const mine = (await db.query<{ id: number }>('SELECT CONNECTION_ID() AS id')).rows[0]?.id;
      const [viaQuery] = await pool.query('SELECT CONNECTION_ID() AS id');
      const [viaExecute] = await pool.execute('SELECT CONNECTION_ID() AS id');
      expect([viaQuery, viaExecute]).to.deep.equal([[{ id: mine }], [{ id: mine }]]);
    });
    await db.session(async () => {
      await pool.query('SET @set_through_the_pool = 7');
      expect((await db.query('SELECT @set_through_the_pool AS v')).rows).to.deep.equal([{ v: 7 }]);
    });
    expect(db.stats().inUse).to.equal(0);
  });

  it("turns mysql2's beginTransaction()/commit()/rollback() on a joined connection into savepoints", async () => {
    const { db } = openDatabase(mariadb);
    const pool = db.mysqlPool().promise();
    await db.atomic(async () => {
      await db.query(`INSERT INTO ${table} (name) VALUES ('outer')`);
      const conn = await pool.getConnection();
      await conn.beginTransaction();
      await conn.query(`INSERT INTO ${table} (name) VALUES (?)`, ['undone']);
      await conn.rollback();
      await conn.beginTransaction();
      await conn.execute(`INSERT INTO ${table} (name) VALUES (?)`, ['kept']);
      await conn.commit();
      conn.release();
      expect(await mysqlServerNames(table)).to.deep.equal([]);
    });
    expect(await mysqlServerNames(table)).to.deep.equal(['outer', 'kept']);
  });

  it('rolls back a lent connection released inside its transaction, and resets session state', async () => {
    const { db } = openDatabase(mariadb, { pool: { max: 1 } });
    const pool = db.mysqlPool().promise();
    const conn = await pool.getConnection();
    expect(db.stats().inUse).to.equal(1);
    await conn.query('SET @leaked = 42');
    await conn.beginTransaction();
    await conn.query(`INSERT INTO ${table} (name) VALUES ('never')`);
    conn.release();
    await eventually(() => db.stats().inUse === 0);
    expect(await mysqlServerNames(table)).to.deep.equal([]);
    // Same (only) connection: no transaction, no user variable.
    const [rows] = await pool.query('SELECT @leaked AS leaked, @@in_transaction AS tx');
    expect(rows).to.deep.equal([{ leaked: null, tx: 0 }]);
    expect(db.stats().created).to.equal(1);
  });

  it('pool.query() with a manual BEGIN outside any scope rolls back and says UNIPOOL_TX_OUTSIDE_SCOPE', async () => {
    const { db } = openDatabase(mariadb);
    const error = await db.mysqlPool().promise().query('BEGIN').catch((e: { code?: string }) => e.code);
    expect(error).to.equal('UNIPOOL_TX_OUTSIDE_SCOPE');
    expect(db.stats().inUse).to.equal(0);
  });

  describe('bad use', () => {
    it('mysqlPool() on a postgres database throws UNIPOOL_UNSUPPORTED', () => {
      const { db } = openDatabase(postgres);
      expect(() => db.mysqlPool()).to.throw(/db\.mysqlPool\(\) needs engine "mysql", but this database is "postgres"/).with.property('code', 'UNIPOOL_UNSUPPORTED');
    });

    it('a connection used after release() fails with UNIPOOL_LEASE_RELEASED (callback and promise forms)', async () => {
      const { db } = openDatabase(mariadb);
      const conn = await db.mysqlPool().promise().getConnection();
      conn.release();
      const promised = await conn.query('SELECT 1').catch((e: { code?: string; message: string }) => e);
      expect(promised).to.have.property('code', 'UNIPOOL_LEASE_RELEASED');
      expect((promised as Error).message).to.match(/was used after release\(\)/);
      const called = await new Promise((resolve) => conn.connection.query('SELECT 1', (error: unknown) => resolve((error as { code?: string } | null)?.code)));
      expect(called).to.equal('UNIPOOL_LEASE_RELEASED');
    });

    it('a connection never released is reported by leak detection with the acquiring stack', async () => {
      const warnings: string[] = [];
      const dbs = createDatabases({ default: mariadb.config({ pool: { leakDetectionMs: 50 } }) as unknown as DatabaseConfig }, { logger: { warn: (message) => warnings.push(message) } });
      try {
        const conn = await acquireAndForget(dbs.default.mysqlPool().promise());
        await eventually(() => warnings.length > 0);
        expect(warnings[0]).to.match(/a connection has been checked out for \d+ ms \(leakDetectionMs=50\); it was acquired at:/);
        expect(warnings[0]).to.include('acquireAndForget');
        expect(dbs.default.stats().leaks).to.equal(1);
        conn.release();
      } finally {
        await dbs.close();
      }
    });
  });
});

/** A named frame the leak report must point at. */
function acquireAndForget(pool: PromiseMysqlPool): Promise<PromiseMysqlPoolConnection> {
  return pool.getConnection();
}
