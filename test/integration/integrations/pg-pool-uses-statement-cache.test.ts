import { expect } from 'chai';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { engineUnderTest, uniqueTable } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

type Caught = { code?: string; hint?: string };

/** unipool's named statements on the connection `client` holds. */
async function preparedOn(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>("SELECT name FROM pg_prepared_statements WHERE name LIKE 'unipool\\_%' ORDER BY name");
  return rows.map((row) => row.name);
}

// SQL text with parameters sent through db.pgPool() (Kysely, knex and Drizzle's raw SQL send it so)
// runs from the connection's statement cache, as db.query() does: prepared once per connection.
describe('integrations: db.pgPool() runs SQL text with parameters from the statement cache', () => {
  closeDatabasesAfterEach();
  const postgres = engineUnderTest('postgres');

  it('prepares a statement Kysely sends once per connection and reuses it', async () => {
    const { db } = openDatabase(postgres, { pool: { max: 1 } });
    const pool = db.pgPool<pg.Pool>();
    const kysely = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool }) });
    for (let i = 0; i < 5; i++) {
      const { rows } = await kysely.executeQuery(CompiledQuery.raw('SELECT $1::int AS n', [i]));
      expect(rows).to.deep.equal([{ n: i }]);
    }
    const client = await pool.connect();
    expect(await preparedOn(client)).to.have.length(1);
    client.release();
    // The same text through db.query() finds it prepared: still one.
    await db.query('SELECT $1::int AS n', [9]);
    const again = await pool.connect();
    expect(await preparedOn(again)).to.have.length(1);
    again.release();
    expect(db.stats()).to.include({ inUse: 0, destroyed: 0 });
  });

  it('prepares knex\'s { text, values } too, but nothing with statementCacheSize: 0, for config objects with options, or for text without parameters', async () => {
    const off = openDatabase(postgres, { pool: { max: 1 }, statementCacheSize: 0 }).db.pgPool<pg.Pool>();
    await off.query('SELECT $1::int AS n', [1]);
    const offClient = await off.connect();
    await offClient.query('SELECT $1::int AS n', [2]);
    expect(await preparedOn(offClient)).to.deep.equal([]);
    offClient.release();

    const on = openDatabase(postgres, { pool: { max: 1 } }).db.pgPool<pg.Pool>();
    const client = await on.connect();
    const arrays = await client.query({ text: 'SELECT $1::int AS n', values: [3], rowMode: 'array' });
    expect(arrays.rows).to.deep.equal([[3]]);
    const typed = await client.query({ text: 'SELECT $1::int AS n', values: [4], types: { getTypeParser: () => (value: string) => `parsed:${value}` } });
    expect(typed.rows).to.deep.equal([{ n: 'parsed:4' }]);
    await client.query('SELECT 5 AS n');
    expect(await preparedOn(client)).to.deep.equal([]);
    const plain = await client.query({ text: 'SELECT $1::int AS n', values: [6] });
    expect(plain.rows).to.deep.equal([{ n: 6 }]);
    const valuesApart = await client.query({ text: 'SELECT $1::int AS n' }, [7]);
    expect(valuesApart.rows).to.deep.equal([{ n: 7 }]);
    expect(await preparedOn(client)).to.have.length(1);
    client.release();
  });

  it('re-prepares after DDL changed the result type, outside a transaction, without an error; inside one the error carries the hint', async () => {
    const { db } = openDatabase(postgres, { pool: { max: 1 } });
    const table = uniqueTable('kysely2_pgpool_stmt');
    const pool = db.pgPool<pg.Pool>();
    try {
      await db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, a int)`);
      await db.query(`INSERT INTO ${table} VALUES (1, 10)`);
      const select = `SELECT * FROM ${table} WHERE id = $1`;
      expect((await pool.query(select, [1])).rows).to.deep.equal([{ id: 1, a: 10 }]);
      await db.query(`ALTER TABLE ${table} ADD COLUMN b text DEFAULT 'x'`);
      expect((await pool.query(select, [1])).rows).to.deep.equal([{ id: 1, a: 10, b: 'x' }]);
      // Prepared afresh (the stale one is deallocated first), so the next change finds it stale again.
      expect((await pool.query(select, [1])).rows).to.deep.equal([{ id: 1, a: 10, b: 'x' }]);

      await db.query(`ALTER TABLE ${table} ALTER COLUMN a TYPE text`);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const error = await client.query(select, [1]).then(
          () => ({}) as Caught,
          (e: unknown) => e as Caught,
        );
        expect(error.code).to.equal('0A000');
        expect(error.hint).to.contain('statementCacheSize');
        await client.query('ROLLBACK');
        expect((await client.query(select, [1])).rows).to.deep.equal([{ id: 1, a: '10', b: 'x' }]);
      } finally {
        client.release();
      }
    } finally {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
    expect(db.stats()).to.include({ inUse: 0, destroyed: 0 });
  });

  it('keeps working after the library deallocates every prepared statement itself', async () => {
    const { db } = openDatabase(postgres, { pool: { max: 1 } });
    const pool = db.pgPool<pg.Pool>();
    const client = await pool.connect();
    await client.query('SELECT $1::int AS n', [1]);
    expect(await preparedOn(client)).to.have.length(1);
    await client.query('DEALLOCATE ALL');
    expect((await client.query('SELECT $1::int AS n', [2])).rows).to.deep.equal([{ n: 2 }]);
    expect(await preparedOn(client)).to.have.length(1);
    client.release();
    expect((await db.query<{ n: number }>('SELECT $1::int AS n', [3])).rows).to.deep.equal([{ n: 3 }]);
  });
});
