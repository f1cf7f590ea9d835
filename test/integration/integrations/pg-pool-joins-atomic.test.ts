import { expect } from 'chai';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { UnipoolDialect } from '../../../src/integrations/kysely/index.js';
import { engineUnderTest, uniqueTable } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

type Lent = pg.PoolClient & { processID: number };

// Inside db.atomic()/db.session() the pool's queries and clients join the held connection, and a
// library's own BEGIN/COMMIT/ROLLBACK on a joined client become savepoint operations.
describe('integrations: db.pgPool() joins atomic() and session()', () => {
  closeDatabasesAfterEach();
  const postgres = engineUnderTest('postgres');
  let raw: pg.Client;
  let table: string;
  before(async () => {
    raw = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await raw.connect();
  });
  after(async () => raw.end());
  beforeEach(async () => {
    table = uniqueTable('pgpool_join');
    await raw.query(`CREATE TABLE ${table} (id INTEGER)`);
  });
  afterEach(async () => raw.query(`DROP TABLE ${table}`));
  const serverIds = async (): Promise<number[]> => (await raw.query(`SELECT id FROM ${table} ORDER BY id`)).rows.map((row: { id: number }) => row.id);

  it('runs pool.query() and a connect()ed client on the held connection', async () => {
    const { db } = openDatabase(postgres);
    const pool = db.pgPool<pg.Pool>();
    await db.atomic(async () => {
      const { rows } = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await pool.query(`INSERT INTO ${table} VALUES (1)`);
      expect((await pool.query('SELECT pg_backend_pid() AS pid')).rows[0].pid).to.equal(rows[0]?.pid);
      const client = (await pool.connect()) as Lent;
      expect(client.processID).to.equal(rows[0]?.pid);
      expect((await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n).to.equal(1);
      client.release();
      expect(await serverIds()).to.deep.equal([]);
      expect(db.stats().inUse).to.equal(1);
    });
    expect(await serverIds()).to.deep.equal([1]);
  });

  it('turns a joined client\'s BEGIN/COMMIT into a savepoint that commits only with atomic()', async () => {
    const { db } = openDatabase(postgres);
    const pool = db.pgPool<pg.Pool>();
    const outcome = await db
      .atomic(async () => {
        const client = await pool.connect();
        await client.query('BEGIN ISOLATION LEVEL READ COMMITTED;');
        await client.query(`INSERT INTO ${table} VALUES (1)`);
        await client.query('commit');
        client.release();
        expect(await serverIds()).to.deep.equal([]);
        throw new Error('outer block fails');
      })
      .catch((e: unknown) => e);
    expect(outcome).to.have.property('message', 'outer block fails');
    expect(await serverIds()).to.deep.equal([]);
  });

  it('turns a joined client\'s ROLLBACK into ROLLBACK TO its savepoint, keeping the outer work', async () => {
    const { db } = openDatabase(postgres);
    const pool = db.pgPool<pg.Pool>();
    await db.atomic(async () => {
      await db.query(`INSERT INTO ${table} VALUES (1)`);
      const client = await pool.connect();
      await client.query('START TRANSACTION');
      await client.query(`INSERT INTO ${table} VALUES (2)`);
      await client.query('ROLLBACK');
      await client.query('BEGIN');
      await client.query(`INSERT INTO ${table} VALUES (3)`);
      await client.query('END');
      client.release();
    });
    expect(await serverIds()).to.deep.equal([1, 3]);
  });

  it('undoes a savepoint a joined client left open when it is released', async () => {
    const { db } = openDatabase(postgres);
    const pool = db.pgPool<pg.Pool>();
    await db.atomic(async () => {
      await db.query(`INSERT INTO ${table} VALUES (1)`);
      const client = await pool.connect();
      await client.query('BEGIN');
      await client.query(`INSERT INTO ${table} VALUES (2)`);
      client.release();
    });
    expect(await serverIds()).to.deep.equal([1]);
  });

  it('refuses a COMMIT that would end atomic()\'s transaction early', async () => {
    const { db } = openDatabase(postgres);
    const pool = db.pgPool<pg.Pool>();
    const outcome = await db
      .atomic(async () => {
        await pool.query(`INSERT INTO ${table} VALUES (1)`);
        const viaPool = await pool.query('COMMIT').catch((e: unknown) => e);
        expect(viaPool).to.have.property('code', 'UNIPOOL_UNSUPPORTED');
        const client = await pool.connect();
        const viaClient = await client.query('BEGIN; INSERT INTO x VALUES (1); COMMIT;').catch((e: unknown) => e);
        expect(viaClient).to.have.property('code', 'UNIPOOL_UNSUPPORTED');
        client.release();
        throw new Error('roll back');
      })
      .catch((e: unknown) => e);
    expect(outcome).to.have.property('message', 'roll back');
    expect(await serverIds()).to.deep.equal([]);
  });

  it('refuses to end a library transaction that overlaps another on the same block (never interleaved savepoints)', async () => {
    const { db } = openDatabase(postgres);
    const pool = db.pgPool<pg.Pool>();
    const outcome = await db
      .atomic(async () => {
        const first = await pool.connect();
        const second = await pool.connect();
        await first.query('BEGIN');
        await first.query(`INSERT INTO ${table} VALUES (1)`);
        await second.query('BEGIN');
        await second.query(`INSERT INTO ${table} VALUES (2)`);
        const overlapping = await first.query('COMMIT').catch((e: unknown) => e);
        expect(overlapping).to.have.property('code', 'UNIPOOL_UNSUPPORTED');
        await second.query('COMMIT');
        await first.query('COMMIT');
        first.release();
        second.release();
      })
      .catch((e: unknown) => e);
    expect(outcome).to.equal(undefined);
    expect(await serverIds()).to.deep.equal([1, 2]);
  });

  it('catches the overlap across integrations too: a Kysely (UnipoolDialect) transaction and a pgPool() client on one block', async () => {
    const { db } = openDatabase(postgres);
    const pool = db.pgPool<pg.Pool>();
    const kysely = new Kysely<Record<string, never>>({ dialect: new UnipoolDialect({ database: db }) });
    await db.atomic(async () => {
      const trx = await kysely.startTransaction().execute();
      await sql`INSERT INTO ${sql.table(table)} VALUES (1)`.execute(trx);
      const client = await pool.connect();
      await client.query('BEGIN');
      await client.query(`INSERT INTO ${table} VALUES (2)`);
      const overlapping = await trx
        .commit()
        .execute()
        .catch((e: unknown) => e);
      expect(overlapping).to.have.property('code', 'UNIPOOL_UNSUPPORTED');
      await client.query('COMMIT');
      client.release();
      await trx.commit().execute();
    });
    expect(await serverIds()).to.deep.equal([1, 2]);
    await kysely.destroy();
  });

  it('keeps a real BEGIN … COMMIT of a joined client inside session() (no transaction to join)', async () => {
    const { db } = openDatabase(postgres);
    const pool = db.pgPool<pg.Pool>();
    await db.session(async () => {
      await pool.query("SET application_name = 'in-session'");
      const client = await pool.connect();
      await client.query('BEGIN');
      await client.query(`INSERT INTO ${table} VALUES (1)`);
      await client.query('COMMIT');
      expect((await client.query("SELECT current_setting('application_name') AS v")).rows[0].v).to.equal('in-session');
      client.release();
      expect(await serverIds()).to.deep.equal([1]);
      const abandoning = await pool.connect();
      await abandoning.query('BEGIN');
      await abandoning.query(`INSERT INTO ${table} VALUES (2)`);
      abandoning.release();
      expect((await pool.query('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
      expect(await serverIds()).to.deep.equal([1]);
    });
    expect((await pool.query("SELECT current_setting('application_name') AS v")).rows[0].v).to.not.equal('in-session');
  });
});
