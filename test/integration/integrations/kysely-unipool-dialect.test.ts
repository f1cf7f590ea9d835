import { expect } from 'chai';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql, type Generated } from 'kysely';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createDatabases, type DatabaseConfig, type Databases } from '../../../src/index.js';
import { UnipoolDialect } from '../../../src/integrations/kysely/index.js';
import { ENGINES, uniqueTable, type EngineUnderTest } from '../../support/engines.js';

interface Tables {
  [table: string]: { id: Generated<number>; name: string };
}

/** What the server really holds, read over a separate connection outside unipool. */
async function serverNames(engine: EngineUnderTest, config: Record<string, unknown>, table: string): Promise<string[]> {
  const select = `SELECT name FROM ${table} ORDER BY id`;
  if (engine.engine === 'sqlite') {
    const raw = new BetterSqlite3(config.database as string, { readonly: true });
    try {
      return (raw.prepare(select).all() as { name: string }[]).map((row) => row.name);
    } finally {
      raw.close();
    }
  }
  if (engine.engine === 'mysql') {
    const raw = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: 'test' });
    try {
      const [rows] = await raw.query(select);
      return (rows as { name: string }[]).map((row) => row.name);
    } finally {
      await raw.end();
    }
  }
  const raw = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
  await raw.connect();
  try {
    return (await raw.query<{ name: string }>(select)).rows.map((row) => row.name);
  } finally {
    await raw.end();
  }
}

for (const engine of ENGINES.filter((e) => e.engine !== 'oracle')) {
  describe(`${engine.engine}: Kysely through UnipoolDialect`, () => {
    let dbs: Databases<'default'>;
    let config: Record<string, unknown>;
    let kysely: Kysely<Tables>;
    let table: string;

    beforeEach(async () => {
      config = engine.config({ pool: { max: 3 } });
      dbs = createDatabases({ default: config as unknown as DatabaseConfig });
      kysely = new Kysely<Tables>({ dialect: new UnipoolDialect({ database: dbs.default }) });
      table = uniqueTable('kysely');
      await dbs.default.query(`CREATE TABLE ${table} (id INTEGER ${engine.autoIncrement} PRIMARY KEY, name VARCHAR(50) NOT NULL)`);
    });

    afterEach(async () => {
      await kysely.destroy();
      await dbs.default.query(`DROP TABLE IF EXISTS ${table}`);
      await dbs.close();
    });

    it('inserts and selects through the pool, one connection per statement', async () => {
      const before = dbs.default.stats().acquired;
      const inserted = await kysely.insertInto(table).values([{ name: 'ada' }, { name: 'bob' }]).executeTakeFirst();
      expect(inserted.numInsertedOrUpdatedRows).to.equal(2n);
      const rows = await kysely.selectFrom(table).select('name').where('name', '=', 'bob').execute();
      expect(rows).to.deep.equal([{ name: 'bob' }]);
      expect(dbs.default.stats().acquired - before).to.equal(2);
      expect(dbs.default.stats().inUse).to.equal(0);
      expect(await serverNames(engine, config, table)).to.deep.equal(['ada', 'bob']);
    });

    it('commits a transaction, rolls one back, and rolls back to a savepoint', async () => {
      await kysely.transaction().execute(async (trx) => {
        await trx.insertInto(table).values({ name: 'kept' }).execute();
        expect(dbs.default.stats().inUse).to.equal(1);
      });
      const failed = await kysely
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto(table).values({ name: 'rolled-back' }).execute();
          throw new Error('boom');
        })
        .catch((error: Error) => error.message);
      expect(failed).to.equal('boom');

      const trx = await kysely.startTransaction().execute();
      await trx.insertInto(table).values({ name: 'before-savepoint' }).execute();
      const sp = await trx.savepoint('sp1').execute();
      await sp.insertInto(table).values({ name: 'undone' }).execute();
      const back = await sp.rollbackToSavepoint('sp1').execute();
      const sp2 = await back.savepoint('sp2').execute();
      await sp2.insertInto(table).values({ name: 'after-savepoint' }).execute();
      await (await sp2.releaseSavepoint('sp2').execute()).commit().execute();

      expect(await serverNames(engine, config, table)).to.deep.equal(['kept', 'before-savepoint', 'after-savepoint']);
      expect(dbs.default.stats().inUse).to.equal(0);
    });

    it("joins db.atomic(): Kysely's transaction is a savepoint that commits or rolls back with it", async () => {
      const db = dbs.default;
      await db.atomic(async () => {
        await db.query(`INSERT INTO ${table} (name) VALUES ('outer')`);
        await kysely.transaction().execute((trx) => trx.insertInto(table).values({ name: 'kysely' }).execute());
        await kysely
          .transaction()
          .execute(async (trx) => {
            await trx.insertInto(table).values({ name: 'inner-undone' }).execute();
            throw new Error('inner fails');
          })
          .catch(() => undefined);
        expect(db.stats().inUse).to.equal(1);
      });
      expect(await serverNames(engine, config, table)).to.deep.equal(['outer', 'kysely']);

      const error = await db
        .atomic(async () => {
          await kysely.insertInto(table).values({ name: 'gone' }).execute();
          throw new Error('outer fails');
        })
        .catch((e: Error) => e.message);
      expect(error).to.equal('outer fails');
      expect(await serverNames(engine, config, table)).to.deep.equal(['outer', 'kysely']);
      expect(db.stats().inUse).to.equal(0);
    });

    it('refuses isolation options on a transaction nested in db.atomic() (it can only be a savepoint)', async () => {
      const error = await dbs.default
        .atomic(() => kysely.transaction().setIsolationLevel('serializable').execute(async () => undefined))
        .catch((e: { code?: string }) => e.code);
      expect(error).to.equal('UNIPOOL_TX_OPTIONS_NESTED');
    });

    it("pins one connection for Kysely's connection(): a temp table stays visible, and is gone for the next borrower", async () => {
      const temp = uniqueTable('ktemp');
      await kysely.connection().execute(async (conn) => {
        await sql.raw(engine.createTemp(temp)).execute(conn);
        await sql.raw(`INSERT INTO ${temp} (id) VALUES (1)`).execute(conn);
        const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${sql.table(temp)}`.execute(conn);
        expect(Number(rows[0]?.n)).to.equal(1);
        expect(dbs.default.stats().inUse).to.equal(1);
      });
      expect(dbs.default.stats().inUse).to.equal(0);
      // Every pooled connection was reset before reuse: the temp table is nowhere.
      const seen = await Promise.all([1, 2, 3].map(() => sql.raw(`SELECT id FROM ${temp}`).execute(kysely).then(() => 'found', () => 'gone')));
      expect(seen).to.deep.equal(['gone', 'gone', 'gone']);
    });

    it('streams rows through the engine cursor and gives the connection back after the loop', async () => {
      await kysely.insertInto(table).values(Array.from({ length: 25 }, (_, i) => ({ name: `n${i}` }))).execute();
      const names: string[] = [];
      for await (const row of kysely.selectFrom(table).select('name').orderBy('id').stream(10)) names.push(row.name);
      expect(names).to.have.length(25);
      expect(names[24]).to.equal('n24');
      expect(dbs.default.stats().inUse).to.equal(0);
    });

    it('introspects tables with Kysely\'s own introspector', async () => {
      const tables = await kysely.introspection.getTables();
      expect(tables.map((t) => t.name)).to.include(table);
      const raw = await sql<{ one: number }>`SELECT 1 AS one`.execute(kysely);
      expect(Number(raw.rows[0]?.one)).to.equal(1);
    });
  });
}
