import { expect } from 'chai';
import pg from 'pg';
import { engineUnderTest, eventually, uniqueTable } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

// db.pgPool() as the libraries see it: pg.Pool's interface, over unipool's pool and release policy.
describe('integrations: db.pgPool() behaves like a pg.Pool', () => {
  closeDatabasesAfterEach();
  const postgres = engineUnderTest('postgres');
  let raw: pg.Client;
  before(async () => {
    raw = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await raw.connect();
  });
  after(async () => raw.end());

  it('is a real pg.Pool of the application\'s pg, the same object on every call', () => {
    const { db } = openDatabase(postgres, { pool: { max: 4 } });
    const pool = db.pgPool<pg.Pool>();
    expect(pool).to.be.instanceOf(pg.Pool);
    expect(db.pgPool()).to.equal(pool);
    expect(pool.options.max).to.equal(4);
  });

  it('answers query() in promise and callback forms, with config objects, and gives the connection back at once', async () => {
    const { db } = openDatabase(postgres);
    const pool = db.pgPool<pg.Pool>();
    const plain = await pool.query('SELECT $1::int AS n', [7]);
    expect(plain.rows).to.deep.equal([{ n: 7 }]);
    expect(plain.command).to.equal('SELECT');
    expect(db.stats().inUse).to.equal(0);
    const arrays = await pool.query({ text: 'SELECT 1 AS a, 2 AS b', rowMode: 'array' });
    expect(arrays.rows).to.deep.equal([[1, 2]]);
    const named = await pool.query({ name: uniqueTable('stmt'), text: 'SELECT $1::text AS t', values: ['x'] });
    expect(named.rows).to.deep.equal([{ t: 'x' }]);
    const typed = await pool.query({ text: 'SELECT 5::int AS n', types: { getTypeParser: () => (value: string) => `parsed:${value}` } });
    expect(typed.rows).to.deep.equal([{ n: 'parsed:5' }]);
    const viaCallback = await new Promise<pg.QueryResult>((resolve, reject) => {
      pool.query('SELECT $1::int AS n', [9], (error: Error | undefined, result: pg.QueryResult) => (error ? reject(error) : resolve(result)));
    });
    expect(viaCallback.rows).to.deep.equal([{ n: 9 }]);
    const failed = await new Promise<Error>((resolve) => {
      pool.query('SELECT 1 / 0', (error: Error | undefined) => resolve(error as Error));
    });
    expect(failed).to.have.property('code', '22012');
    expect(db.stats()).to.include({ inUse: 0, destroyed: 0 });
    expect(db.stats().acquired).to.be.at.least(6);
  });

  it('lends a client on connect() (promise and callback forms) that keeps one connection until release()', async () => {
    const { db } = openDatabase(postgres);
    const pool = db.pgPool<pg.Pool>();
    const client = await pool.connect();
    expect(db.stats().inUse).to.equal(1);
    expect(pool.totalCount).to.equal(1);
    expect(pool.idleCount).to.equal(0);
    const first = await client.query('SELECT pg_backend_pid() AS pid');
    const second = await client.query('SELECT pg_backend_pid() AS pid');
    expect(second.rows[0].pid).to.equal(first.rows[0].pid);
    expect((client as unknown as { processID: number }).processID).to.equal(first.rows[0].pid);
    client.release();
    await eventually(() => db.stats().inUse === 0);
    expect(pool.idleCount).to.equal(1);

    const viaCallback = await new Promise<{ rows: unknown[] }>((resolve, reject) => {
      pool.connect((error, lent, done) => {
        if (error || lent === undefined) return reject(error);
        lent.query('SELECT 1 AS one', (queryError: Error | undefined, result: pg.QueryResult) => {
          done();
          return queryError ? reject(queryError) : resolve(result);
        });
      });
    });
    expect(viaCallback.rows).to.deep.equal([{ one: 1 }]);
    await eventually(() => db.stats().inUse === 0);
  });

  it('rolls back a client released inside a transaction, and resets one left with session state', async () => {
    const { db } = openDatabase(postgres, { pool: { max: 1 } });
    const pool = db.pgPool<pg.Pool>();
    const table = uniqueTable('pgpool_dirty');
    await raw.query(`CREATE TABLE ${table} (id INTEGER)`);
    try {
      const client = await pool.connect();
      await client.query('BEGIN');
      await client.query(`INSERT INTO ${table} VALUES (1)`);
      await client.query("SET application_name = 'dirty'");
      client.release();
      const next = await pool.connect();
      expect((await next.query('SELECT current_setting($1) AS v', ['application_name'])).rows[0].v).to.not.equal('dirty');
      expect((await next.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n).to.equal(0);
      expect((next as unknown as { processID: number }).processID).to.equal((client as unknown as { processID: number }).processID);
      next.release();
    } finally {
      await raw.query(`DROP TABLE ${table}`);
    }
  });

  it('destroys the connection on release(err), as pg does', async () => {
    const { db } = openDatabase(postgres);
    const pool = db.pgPool<pg.Pool>();
    const client = await pool.connect();
    client.release(new Error('the library saw it break'));
    await eventually(() => db.stats().destroyed === 1);
    expect(db.stats().inUse).to.equal(0);
  });

  it('emits acquire, release, connect and remove', async () => {
    const { db } = openDatabase(postgres);
    const pool = db.pgPool<pg.Pool>();
    const events: string[] = [];
    for (const name of ['acquire', 'release', 'connect', 'remove'] as const) pool.on(name, () => events.push(name));
    const client = await pool.connect();
    client.release(true);
    await eventually(() => events.includes('remove'));
    expect(events).to.deep.equal(['connect', 'acquire', 'release', 'remove']);
  });

  it('forwards the connection\'s notices to a lent client\'s listeners, and stops at release()', async () => {
    const { db } = openDatabase(postgres);
    const pool = db.pgPool<pg.Pool>();
    const client = await pool.connect();
    const notices: string[] = [];
    client.on('notice', (notice) => notices.push(notice.message ?? ''));
    await client.query("DO $$ BEGIN RAISE NOTICE 'first'; END $$");
    await eventually(() => notices.length === 1);
    client.release();
    const next = await pool.connect();
    await next.query("DO $$ BEGIN RAISE NOTICE 'second'; END $$");
    next.release();
    expect(notices).to.deep.equal(['first']);
  });

  it('resolves end() without closing the shared pool', async () => {
    const { db } = openDatabase(postgres);
    const pool = db.pgPool<pg.Pool>();
    await pool.end();
    await new Promise<void>((resolve) => pool.end(resolve));
    expect((await db.query('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
    expect((await pool.query('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
  });

  it('refuses a transaction left open by pool.query() (rolled back) and session state set through it (reset)', async () => {
    const { db } = openDatabase(postgres);
    const pool = db.pgPool<pg.Pool>();
    const begun = await pool.query('BEGIN').catch((e: unknown) => e);
    expect(begun).to.have.property('code', 'UNIPOOL_TX_OUTSIDE_SCOPE');
    const set = await pool.query("SET application_name = 'x'").catch((e: unknown) => e);
    expect(set).to.have.property('code', 'UNIPOOL_SESSION_STATE_OUTSIDE_SESSION');
    expect((await pool.query("SELECT current_setting('application_name') AS v")).rows[0].v).to.not.equal('x');
  });
});
