import { expect } from 'chai';
import { closePipelined, openPipelined, serverCheck, teach } from './pipelining-support.js';

type Caught = { code?: string };

/** A connection shared by pipelined statements is one checkout: the pool's numbers and limits hold. */
describe('postgres: pipelining keeps the pool accounting right', function () {
  this.timeout(60_000);
  afterEach(closePipelined);

  it('never opens more than max connections; nothing is in use once every statement settled', async () => {
    const application = `pipeline_accounting_${process.pid}`;
    const db = openPipelined({ pool: { max: 3 }, options: { application_name: application } });
    await teach(db, 3, 'SELECT $1::int AS n', (i) => [i]);
    let peakInUse = 0;
    const sampler = setInterval(() => (peakInUse = Math.max(peakInUse, db.stats().inUse)), 1);
    const backends = serverCheck(async (c) => {
      let peak = 0;
      for (let i = 0; i < 20; i++) {
        const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [application]);
        peak = Math.max(peak, rows[0]?.n ?? 0);
      }
      return peak;
    });
    const results = await Promise.all(Array.from({ length: 2000 }, (_, i) => db.query<{ n: number }>('SELECT $1::int AS n', [i])));
    clearInterval(sampler);
    expect(results.every((r, i) => r.rows[0]?.n === i)).to.equal(true);
    expect(await backends).to.be.at.most(3);
    expect(peakInUse).to.be.at.most(3);
    expect(db.stats().inUse).to.equal(0);
    expect(db.stats().size).to.be.at.most(3);
  });

  it('statements that queued while every connection was busy share the connection when it comes back', async () => {
    const db = openPipelined({ pool: { max: 1 } });
    const echo = 'SELECT $1::int AS n';
    await teach(db, 1, echo, (i) => [i]);
    // The only connection is held; 100 known statements arrive and wait for it. (Its session ends
    // with DISCARD ALL, so the first of them runs alone again, relearning the statement.)
    const held = db.session(() => db.query('SELECT pg_sleep(0.1)'));
    const before = db.stats().acquired;
    const waiting = Array.from({ length: 100 }, (_, i) => db.query<{ n: number }>(echo, [i]));
    await held;
    const results = await Promise.all(waiting);
    expect(results.map((r) => r.rows[0]?.n)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
    // Once a waiter opens the connection to sharing, the ones queued behind it leave the pool's
    // queue and join, rather than take the connection one after another.
    expect(db.stats().acquired - before, 'checkouts for 100 statements that had queued').to.be.below(10);
    expect(db.stats().waiting).to.equal(0);
    expect(db.stats().inUse).to.equal(0);
  });

  it('close() waits for the pipelined statements in flight, each answered; later statements are refused', async () => {
    const db = openPipelined({ pool: { max: 2 } });
    const slow = 'SELECT $1::int AS n, pg_sleep(0.05)::text AS slept';
    await teach(db, 2, slow, (i) => [i]);
    const before = db.stats().acquired;
    const inFlight = Array.from({ length: 40 }, (_, i) => db.query<{ n: number }>(slow, [i]));
    expect(db.stats().acquired - before, 'the 40 share the 2 connections').to.be.at.most(2);
    await closePipelined();
    const results = await Promise.all(inFlight);
    expect(results.map((r) => r.rows[0]?.n)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i));
    const refused = await db.query(slow, [1]).then(() => ({}) as Caught, (error: unknown) => error as Caught);
    expect(refused.code).to.equal('UNIPOOL_POOL_CLOSED');
  });

  it('pipelines nothing on connections with pg\'s query_timeout (it would count time queued behind others, and end them all)', async () => {
    const db = openPipelined({ pool: { max: 2 }, options: { query_timeout: 30_000 } });
    await teach(db, 2, 'SELECT $1::int AS n', (i) => [i]);
    const before = db.stats().acquired;
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => db.query<{ n: number }>('SELECT $1::int AS n', [i])));
    expect(results.every((r, i) => r.rows[0]?.n === i)).to.equal(true);
    expect(db.stats().acquired - before).to.equal(100);
  });

  it('pipeline: false runs every statement alone: one checkout each', async () => {
    const db = openPipelined({ pool: { max: 2 }, pipeline: false });
    await teach(db, 2, 'SELECT $1::int AS n', (i) => [i]);
    const before = db.stats().acquired;
    await Promise.all(Array.from({ length: 100 }, (_, i) => db.query('SELECT $1::int AS n', [i])));
    expect(db.stats().acquired - before).to.equal(100);
  });
});
