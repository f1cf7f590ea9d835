import { expect } from 'chai';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { createRequire } from 'node:module';
import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import { engineUnderTest, eventually } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';
import { withDocsLink } from '../../support/docs-link.js';

/** pg-cursor ships no types: the part of it these tests use. */
interface PgCursor {
  submit(connection: unknown): unknown;
  read(rows: number): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}
const Cursor = createRequire(import.meta.url)('pg-cursor') as new (text: string, values?: unknown[]) => PgCursor;

// A client from db.pgPool().connect() holds its connection alone until release(), so pg-cursor and
// pg-query-stream (which keep reading between the library's calls) run on it, as on pg's own.
describe('integrations: pg-cursor and pg-query-stream on a db.pgPool() client', () => {
  closeDatabasesAfterEach();
  const postgres = engineUnderTest('postgres');

  it('reads a pg-cursor in batches; the connection goes back to the pool, reused, once the client is released', async () => {
    const { db } = openDatabase(postgres, { pool: { max: 1 } });
    const pool = db.pgPool();
    const client = await pool.connect();
    const pid = client.processID;
    const cursor = client.query(new Cursor('SELECT n FROM generate_series(1, 10) AS n WHERE n > $1', [0]));
    const batches: number[][] = [];
    for (;;) {
      const rows = (await cursor.read(4)) as { n: number }[];
      if (rows.length === 0) break;
      batches.push(rows.map((row) => row.n));
    }
    expect(batches).to.deep.equal([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]);
    await cursor.close();
    client.release();
    await eventually(() => db.stats().idle === 1);
    const again = await pool.connect();
    expect(again.processID, 'the same connection, not a new one').to.equal(pid);
    expect(((await again.query('SELECT 1 AS one')) as pg.QueryResult).rows).to.deep.equal([{ one: 1 }]);
    again.release();
    expect(db.stats().destroyed).to.equal(0);
  });

  it('makes a query sent while a cursor is open wait until the cursor is closed, as pg does', async () => {
    const { db } = openDatabase(postgres);
    const client = await db.pgPool<pg.Pool>().connect();
    try {
      const cursor = client.query(new Cursor('SELECT n FROM generate_series(1, 5) AS n'));
      expect(await cursor.read(2)).to.deep.equal([{ n: 1 }, { n: 2 }]);
      let answered = false;
      const behind = client.query('SELECT 42 AS answer').then((result) => {
        answered = true;
        return result;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(answered, 'answered while the cursor was still open').to.equal(false);
      await cursor.close();
      expect((await behind).rows).to.deep.equal([{ answer: 42 }]);
    } finally {
      client.release();
    }
  });

  it('streams rows with pg-query-stream', async () => {
    const { db } = openDatabase(postgres);
    const client = await db.pgPool<pg.Pool>().connect();
    let sum = 0;
    let count = 0;
    try {
      const stream = client.query(new QueryStream('SELECT n FROM generate_series(1, 2000) AS n', [], { batchSize: 100 }));
      for await (const row of stream as AsyncIterable<{ n: number }>) {
        sum += row.n;
        count += 1;
      }
    } finally {
      client.release();
    }
    expect(count).to.equal(2000);
    expect(sum).to.equal((2000 * 2001) / 2);
    await eventually(() => db.stats().inUse === 0);
    expect(db.stats().destroyed).to.equal(0);
  });

  it("runs Kysely's stream() through its PostgresDialect's cursor option", async () => {
    const { db } = openDatabase(postgres);
    const kysely = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool: db.pgPool<pg.Pool>(), cursor: Cursor as never }) });
    const seen: number[] = [];
    for await (const row of kysely.selectFrom(sql<{ n: number }>`generate_series(1, 25)`.as('n')).selectAll().stream(10)) {
      seen.push(Number((row as unknown as { n: number }).n));
    }
    expect(seen).to.deep.equal(Array.from({ length: 25 }, (_, i) => i + 1));
    await kysely.destroy();
    await eventually(() => db.stats().inUse === 0);
    expect(db.stats().destroyed).to.equal(0);
  });

  it('resets session state a cursor set before the connection is reused', async () => {
    const { db } = openDatabase(postgres, { pool: { max: 1 } });
    const pool = db.pgPool<pg.Pool>();
    const client = await pool.connect();
    const cursor = client.query(new Cursor("SET application_name = 'kysely_cursor_set'"));
    expect(await cursor.read(10)).to.deep.equal([]);
    await cursor.close();
    expect((await client.query('SHOW application_name')).rows[0].application_name, 'kept while the client holds the connection').to.equal('kysely_cursor_set');
    client.release();
    const next = await pool.connect();
    try {
      expect((await next.query('SHOW application_name')).rows[0].application_name).to.not.equal('kysely_cursor_set');
    } finally {
      next.release();
    }
  });

  it('destroys the connection of a client released while its cursor is still open; the pool carries on', async () => {
    const { db } = openDatabase(postgres, { pool: { max: 1 } });
    const pool = db.pgPool();
    const client = await pool.connect();
    const pid = client.processID;
    const cursor = client.query(new Cursor('SELECT n FROM generate_series(1, 100) AS n'));
    expect(await cursor.read(1)).to.deep.equal([{ n: 1 }]);
    client.release();
    await eventually(() => db.stats().destroyed === 1);
    const next = await pool.connect();
    try {
      expect(next.processID).to.not.equal(pid);
      expect(((await next.query('SELECT 1 AS one')) as pg.QueryResult).rows).to.deep.equal([{ one: 1 }]);
    } finally {
      next.release();
    }
  });

  it('fails the cursor of a client used after release() with UNIPOOL_LEASE_RELEASED, without running it', async () => {
    const { db } = openDatabase(postgres, { pool: { max: 1 } });
    const pool = db.pgPool<pg.Pool>();
    const client = await pool.connect();
    client.release();
    const next = await pool.connect();
    try {
      const cursor = client.query(new Cursor('SELECT 1 AS one'));
      const error = await cursor.read(1).catch((e: unknown) => e);
      expect(error).to.have.property('code', 'UNIPOOL_LEASE_RELEASED');
      expect((error as Error).message).to.equal(withDocsLink('UNIPOOL_LEASE_RELEASED', 'unipool: pool "default": a pgPool() client ran a cursor or stream after release(); its connection may already serve someone else, so nothing was run. Call connect() again for a new client.'));
      expect((await next.query('SELECT 2 AS two')).rows).to.deep.equal([{ two: 2 }]);
    } finally {
      next.release();
    }
  });

  it('refuses a cursor on a client joined to db.atomic(), and on pool.query(), with UNIPOOL_UNSUPPORTED', async () => {
    const { db } = openDatabase(postgres);
    const pool = db.pgPool<pg.Pool>();
    await db.atomic(async () => {
      const joined = await pool.connect();
      try {
        const error = await joined.query(new Cursor('SELECT 1 AS one')).read(1).catch((e: unknown) => e);
        expect(error).to.have.property('code', 'UNIPOOL_UNSUPPORTED');
        expect((error as Error).message).to.include('a pgPool() client joined to db.atomic()/db.session() cannot run a cursor or stream');
        expect((await joined.query('SELECT 3 AS three')).rows, 'the block goes on').to.deep.equal([{ three: 3 }]);
      } finally {
        joined.release();
      }
    });
    const viaPool = await (pool.query as unknown as (query: unknown) => Promise<unknown>)(new Cursor('SELECT 1')).catch((e: unknown) => e);
    expect(viaPool).to.have.property('code', 'UNIPOOL_UNSUPPORTED');
    expect((viaPool as Error).message).to.include('pgPool().query() does not run submittable queries');
  });
});
