import { expect } from 'chai';
import { uniqueTable } from '../../support/engines.js';
import { withDocsLink } from '../../support/docs-link.js';
import { closePipelined, openPipelined, serverCheck, settleAll, spyOnClients, teach } from './pipelining-support.js';

type Caught = { code?: string; message?: string };

/**
 * Pipelining shares a connection between statements in flight; these prove it never lets one
 * caller's transaction or session state reach another's statement, and never reports a statement
 * done that the server did not keep.
 */
describe('postgres: pipelining keeps statements apart', function () {
  this.timeout(60_000);
  let table: string;

  beforeEach(async () => {
    table = uniqueTable('pipeline_apart');
    await serverCheck((c) => c.query(`CREATE TABLE ${table} (id serial PRIMARY KEY, v int NOT NULL)`));
  });
  afterEach(async () => {
    await closePipelined();
    await serverCheck((c) => c.query(`DROP TABLE IF EXISTS ${table}`));
  });

  const onServer = (): Promise<Set<number>> => serverCheck(async (c) => new Set((await c.query<{ id: number }>(`SELECT id FROM ${table}`)).rows.map((r) => r.id)));

  it('shares connections: 200 statements at once on a pool of 2 take far fewer checkouts', async () => {
    const db = openPipelined({ pool: { max: 2 } });
    await teach(db, 2, 'SELECT $1::int AS n', (i) => [i]);
    const before = db.stats().acquired;
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => db.query<{ n: number }>('SELECT $1::int AS n', [i])));
    expect(results.map((r) => r.rows[0]?.n)).to.deep.equal(Array.from({ length: 200 }, (_, i) => i));
    // Without sharing every statement is one checkout; a pipelined lease serves many.
    expect(db.stats().acquired - before).to.be.below(100);
    expect(db.stats().inUse).to.equal(0);
  });

  it('a manual BEGIN by one caller while INSERTs are in flight: every INSERT reported done is on the server', async () => {
    const db = openPipelined({ pool: { max: 2 } });
    const insert = `INSERT INTO ${table} (v) VALUES ($1) RETURNING id`;
    await teach(db, 2, insert, (i) => [i]);
    const inserts = Array.from({ length: 300 }, (_, i) => db.query<{ id: number }>(insert, [i]));
    // Outside any scope a BEGIN cannot be followed to its connection: rolled back and refused. It
    // runs alone (never pipelined), so no INSERT lands in its transaction.
    const begin = db.query('BEGIN').then(() => ({}) as Caught, (error: unknown) => error as Caught);
    const more = Array.from({ length: 300 }, (_, i) => db.query<{ id: number }>(insert, [1000 + i]));
    const outcomes = await settleAll([...inserts, ...more]);
    expect((await begin).code).to.equal('UNIPOOL_TX_OUTSIDE_SCOPE');
    const reported = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.rows[0]?.id as number] : []));
    expect(reported).to.have.length(600);
    const kept = await onServer();
    for (const id of reported) if (!kept.has(id)) expect.fail(`INSERT ${id} was reported done but is not on the server`);
  });

  it('a BEGIN inside session() keeps its own connection; its rollback takes none of the pipelined INSERTs along', async () => {
    const db = openPipelined({ pool: { max: 3 } });
    const insert = `INSERT INTO ${table} (v) VALUES ($1) RETURNING id`;
    await teach(db, 3, insert, (i) => [i]);
    const scoped = db.session(async () => {
      await db.query('BEGIN');
      // The same statement text as the pipelined ones: inside the block it runs on the held connection.
      for (let i = 0; i < 20; i++) await db.query(insert, [-1]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await db.query('ROLLBACK');
    });
    const inserts = await settleAll(Array.from({ length: 400 }, (_, i) => db.query<{ id: number }>(insert, [i])));
    await scoped;
    const reported = inserts.flatMap((o) => (o.status === 'fulfilled' ? [o.value.rows[0]?.id as number] : []));
    expect(reported).to.have.length(400);
    const kept = await onServer();
    for (const id of reported) if (!kept.has(id)) expect.fail(`INSERT ${id} was reported done but is not on the server`);
    const rolledBack = await serverCheck(async (c) => (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE v = -1`)).rows[0]?.n);
    expect(rolledBack).to.equal(0);
  });

  it('a statement that finds a transaction open ahead of it in the pipeline fails with UNIPOOL_PIPELINE_IN_TRANSACTION; the connection is destroyed, no reported INSERT is lost', async () => {
    const db = openPipelined({ pool: { max: 1 } });
    const insert = `INSERT INTO ${table} (v) VALUES ($1) RETURNING id`;
    await teach(db, 1, insert, (i) => [i]);
    const spy = spyOnClients();
    let client;
    try {
      const ahead = Array.from({ length: 30 }, (_, i) => db.query<{ id: number }>(insert, [i]));
      [client] = [...spy.clients];
      expect(spy.clients.size).to.equal(1);
      // What no db.query() caller can do: a BEGIN written into the pipeline, as a statement that
      // changed transaction state against everything learned about it would.
      const rawBegin = client!.query('BEGIN').catch(() => undefined);
      const behind = Array.from({ length: 30 }, (_, i) => db.query<{ id: number }>(insert, [100 + i]));
      const outcomes = await settleAll([...ahead, ...behind]);
      await rawBegin;
      const ok = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.rows[0]?.id as number] : []));
      const failed = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as Caught] : []));
      expect(ok).to.have.length(30);
      expect(failed).to.have.length(30);
      for (const error of failed) {
        expect(error.code).to.equal('UNIPOOL_PIPELINE_IN_TRANSACTION');
        expect(error.message).to.equal(
          withDocsLink('UNIPOOL_PIPELINE_IN_TRANSACTION', 'postgres: a pipelined statement ran inside a transaction it did not open (ReadyForQuery status "T", expected "I"): its work is not committed, and the connection was destroyed, which rolls it back. Retry it if it is idempotent, or set pipeline: false.'),
        );
      }
      const kept = await onServer();
      for (const id of ok) if (!kept.has(id)) expect.fail(`INSERT ${id} was reported done but is not on the server`);
      expect(kept.size).to.be.at.least(30);
      // Only the 30 ahead of the BEGIN (and the teaching runs) were kept: the rest died with the connection.
      const behindKept = await serverCheck(async (c) => (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE v >= 100`)).rows[0]?.n);
      expect(behindKept).to.equal(0);
      expect(db.stats().destroyed).to.equal(1);
    } finally {
      spy.restore();
    }
    // The pool goes on with a new connection.
    expect((await db.query<{ n: number }>('SELECT $1::int AS n', [7])).rows).to.deep.equal([{ n: 7 }]);
  });

  it('SET search_path by one caller never changes where the pipelined statements of others run', async () => {
    const schema = `${table}_s`;
    await serverCheck(async (c) => {
      await c.query(`CREATE SCHEMA ${schema}`);
      await c.query(`CREATE TABLE ${schema}.${table} (id serial PRIMARY KEY, v int NOT NULL)`);
      await c.query(`INSERT INTO ${schema}.${table} (v) VALUES (2)`);
      await c.query(`INSERT INTO ${table} (v) VALUES (1)`);
    });
    try {
      const db = openPipelined({ pool: { max: 3 } });
      const select = `SELECT v FROM ${table} WHERE $1::int >= 0`;
      await teach(db, 3, select, (i) => [i]);
      const setters = [
        // Outside a session: refused and the connection reset.
        ...Array.from({ length: 5 }, () => db.query(`SET search_path TO ${schema}`).then(() => 'set', (e: Caught) => e.code)),
        // Inside one: its own connection sees the other table, for as long as the session lasts.
        db.session(async () => {
          await db.query(`SET search_path TO ${schema}`);
          const seen: unknown[] = [];
          for (let i = 0; i < 10; i++) seen.push((await db.query<{ v: number }>(select, [i])).rows[0]?.v);
          return seen.every((v) => v === 2) ? 'session saw 2' : `session saw ${JSON.stringify(seen)}`;
        }),
      ];
      const reads = await Promise.all(Array.from({ length: 400 }, (_, i) => db.query<{ v: number }>(select, [i])));
      expect(await Promise.all(setters)).to.deep.equal([...Array.from({ length: 5 }, () => 'UNIPOOL_SESSION_STATE_OUTSIDE_SESSION'), 'session saw 2']);
      const wrong = reads.filter((r) => r.rows[0]?.v !== 1);
      expect(wrong, 'reads that ran in the other schema').to.have.length(0);
      const after = await Promise.all(Array.from({ length: 100 }, (_, i) => db.query<{ v: number }>(select, [i])));
      expect(after.every((r) => r.rows[0]?.v === 1)).to.equal(true);
    } finally {
      await serverCheck((c) => c.query(`DROP SCHEMA ${schema} CASCADE`));
    }
  });

  it('an error among 100 pipelined statements fails exactly that one; the 99 others succeed', async () => {
    const db = openPipelined({ pool: { max: 2 } });
    const divide = 'SELECT 100 / ($1::int - 50) AS n';
    await teach(db, 2, divide, (i) => [i]);
    const before = db.stats().acquired;
    const outcomes = await settleAll(Array.from({ length: 100 }, (_, i) => db.query<{ n: number }>(divide, [i])));
    expect(db.stats().acquired - before).to.be.below(50);
    outcomes.forEach((outcome, i) => {
      if (i === 50) {
        expect(outcome.status).to.equal('rejected');
        expect((outcome as PromiseRejectedResult).reason.code).to.equal('22012');
      } else {
        expect(outcome.status, `statement ${i}`).to.equal('fulfilled');
        expect((outcome as PromiseFulfilledResult<{ rows: { n: number }[] }>).value.rows[0]?.n).to.equal(Math.trunc(100 / (i - 50)));
      }
    });
    expect(db.stats().destroyed).to.equal(0);
  });

  it('a value pg cannot encode fails only its own statement, before anything is sent; the connection stays in use', async () => {
    const db = openPipelined({ pool: { max: 1 } });
    const echo = 'SELECT $1::text AS v';
    await teach(db, 1, echo, (i) => [String(i)]);
    const unencodable = { toPostgres: (): never => { throw new Error('cannot encode this value'); } };
    const outcomes = await settleAll(Array.from({ length: 60 }, (_, i) => db.query<{ v: string }>(echo, [i === 30 || i === 59 ? unencodable : String(i)])));
    outcomes.forEach((outcome, i) => {
      // The last one too: its failure must not end the lease before the statements ahead of it.
      if (i === 30 || i === 59) {
        expect(outcome.status).to.equal('rejected');
        expect(String((outcome as PromiseRejectedResult).reason?.message)).to.contain('cannot encode this value');
      } else expect((outcome as PromiseFulfilledResult<{ rows: { v: string }[] }>).value?.rows, `statement ${i}`).to.deep.equal([{ v: String(i) }]);
    });
    // Right behind a single statement in flight: its failure must not end the lease early.
    for (let i = 0; i < 10; i++) {
      const [good, bad] = await settleAll([db.query<{ v: string }>(echo, ['good']), db.query<{ v: string }>(echo, [unencodable])]);
      expect(good?.status).to.equal('fulfilled');
      expect(bad?.status).to.equal('rejected');
    }
    expect(db.stats().destroyed).to.equal(0);
    expect((await db.query<{ v: string }>(echo, ['after'])).rows).to.deep.equal([{ v: 'after' }]);
  });
});
