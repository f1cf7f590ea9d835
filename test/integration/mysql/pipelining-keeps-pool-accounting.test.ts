import { expect } from 'chai';
import { closePipelined, openPipelined, serverCheck, serverRows, teach } from './pipelining-support.js';

type Caught = { code?: string };

/** A connection shared by pipelined statements is one checkout: the pool's numbers and limits hold. */
describe('mysql (MariaDB): pipelining keeps the pool accounting right', function () {
  this.timeout(60_000);
  afterEach(closePipelined);

  it('never opens more than max connections; nothing is in use once every statement settled', async () => {
    // The pool's connections are the only ones on this database, so the server can count them.
    const database = `pipeline_accounting_${process.pid}`;
    await serverCheck((c) => c.query(`CREATE DATABASE ${database}`));
    try {
      const { db } = openPipelined({ url: `mysql://root@127.0.0.1:3306/${database}`, pool: { max: 3 } });
      await teach(db, 3, 'SELECT ? + 0 AS n', (i) => [i]);
      let peakInUse = 0;
      const sampler = setInterval(() => (peakInUse = Math.max(peakInUse, db.stats().inUse)), 1);
      const connections = serverCheck(async (c) => {
        let peak = 0;
        for (let i = 0; i < 20; i++) {
          const [rows] = await c.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ?', [database]);
          peak = Math.max(peak, Number((rows as { n: number }[])[0]?.n ?? 0));
        }
        return peak;
      });
      const before = db.stats().acquired;
      const results = await Promise.all(Array.from({ length: 2000 }, (_, i) => db.query<{ n: number }>('SELECT ? + 0 AS n', [i])));
      clearInterval(sampler);
      expect(results.every((r, i) => Number(r.rows[0]?.n) === i)).to.equal(true);
      // Past max × 100 in flight the rest wait for a connection, so only the first few hundred share.
      expect(db.stats().acquired - before, 'the statements shared connections').to.be.below(2000);
      const peak = await connections;
      expect(peak).to.be.at.least(1);
      expect(peak).to.be.at.most(3);
      expect(peakInUse).to.be.at.most(3);
      expect(db.stats().inUse).to.equal(0);
      expect(db.stats().size).to.be.at.most(3);
      expect(db.stats().created).to.be.at.most(3);
    } finally {
      await closePipelined();
      await serverCheck((c) => c.query(`DROP DATABASE IF EXISTS ${database}`));
    }
  });

  it('statements that queued while every connection was busy share the connection when it comes back', async () => {
    const { db } = openPipelined({ pool: { max: 1 } });
    const echo = 'SELECT ? + 0 AS n';
    await teach(db, 1, echo, (i) => [i]);
    // The only connection is held; 100 known statements arrive and wait for it.
    const held = db.session(() => db.query('SELECT SLEEP(0.1) AS slept'));
    const before = db.stats().acquired;
    const waiting = Array.from({ length: 100 }, (_, i) => db.query<{ n: number }>(echo, [i]));
    await held;
    const results = await Promise.all(waiting);
    expect(results.map((r) => Number(r.rows[0]?.n))).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
    // Handed the connection, the first opens it to statements like it, and the 99 queued behind it
    // leave the pool's queue and join, rather than take the connection one after another.
    expect(db.stats().acquired - before, 'checkouts for 100 statements that had queued').to.be.below(5);
    expect(db.stats().waiting).to.equal(0);
    expect(db.stats().inUse).to.equal(0);
  });

  it('close() waits for the pipelined statements in flight, each answered; later statements are refused', async () => {
    const { dbs, db } = openPipelined({ pool: { max: 2 } });
    const slow = 'SELECT ? + 0 AS n, SLEEP(0.05) AS slept';
    await teach(db, 2, slow, (i) => [i]);
    const before = db.stats().acquired;
    const inFlight = Array.from({ length: 40 }, (_, i) => db.query<{ n: number }>(slow, [i]));
    let settled = 0;
    for (const statement of inFlight) void statement.then(() => settled++, () => settled++);
    expect(db.stats().acquired - before, 'the 40 share the 2 connections').to.be.at.most(2);
    await dbs.close({ timeoutMs: 5000 });
    // Each had its answer by the time close() returned (give the callbacks queued with it a turn to run).
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).to.equal(40);
    const results = await Promise.all(inFlight);
    expect(results.map((r) => Number(r.rows[0]?.n))).to.deep.equal(Array.from({ length: 40 }, (_, i) => i));
    const refused = await db.query(slow, [1]).then(() => ({}) as Caught, (error: unknown) => error as Caught);
    expect(refused.code).to.equal('UNIPOOL_POOL_CLOSED');
    expect(db.stats().size).to.equal(0);
  });

  it('with statementTimeoutMs, statements queued behind slow ones are not ended by the client backstop: it counts from each statement\'s turn', async () => {
    // Limit 0.5 s, backstop 1.5 s. Eight statements of 0.3 s each on one connection take 2.4 s in
    // all: counted from when they were sent, the last ones would pass the backstop, which destroys
    // the connection and fails every statement on it.
    const { db } = openPipelined({ pool: { max: 1 }, statementTimeoutMs: 500 });
    const slow = 'SELECT ? + 0 AS n, SLEEP(0.3) AS slept';
    await teach(db, 1, slow, (i) => [i]);
    const before = db.stats().acquired;
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => db.query<{ n: number; slept: number }>(slow, [i])));
    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as { code?: string }).code] : []));
    expect(failures, 'statements that failed').to.deep.equal([]);
    const results = outcomes.map((o) => (o.status === 'fulfilled' ? o.value.rows[0] : undefined));
    expect(results.map((r) => Number(r?.n))).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
    // They shared the connection (the point of the test), and none was interrupted by the server.
    expect(db.stats().acquired - before, 'checkouts').to.be.below(8);
    expect(results.every((r) => Number(r?.slept) === 0)).to.equal(true);
    expect(db.stats().destroyed, 'connections destroyed').to.equal(0);
  });

  it('with statementTimeoutMs, a pipelined statement past the server\'s limit fails alone with UNIPOOL_STATEMENT_TIMEOUT; its neighbours answer', async () => {
    const { db } = openPipelined({ pool: { max: 1 }, statementTimeoutMs: 300 });
    // Over two rows, so an interrupted SLEEP ends in an error rather than answering 1.
    const maybeSlow = 'SELECT ? + 0 AS n, SLEEP(?) AS slept FROM (SELECT 1 AS x UNION ALL SELECT 2) AS two LIMIT 1';
    await teach(db, 1, maybeSlow, (i) => [i, 0]);
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => db.query<{ n: number }>(maybeSlow, [i, i === 10 ? 5 : 0])));
    const codes = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code?: string }).code : 'ok'));
    expect(codes.filter((c) => c !== 'ok')).to.deep.equal(['UNIPOOL_STATEMENT_TIMEOUT']);
    expect(codes[10]).to.equal('UNIPOOL_STATEMENT_TIMEOUT');
    expect(db.stats().destroyed, 'connections destroyed').to.equal(0);
  });

  const runsAlone: [title: string, config: Record<string, unknown>][] = [
    ['pipeline: false runs every statement alone: one checkout each', { pipeline: false }],
    ['pipelines nothing with mysql2\'s compress option (compressed frames are numbered per command), and answers right', { options: { compress: true } }],
  ];
  for (const [title, config] of runsAlone) {
    it(title, async () => {
      const { db } = openPipelined({ pool: { max: 2 }, ...config });
      await teach(db, 2, 'SELECT ? + 0 AS n', (i) => [i]);
      const before = db.stats().acquired;
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => db.query<{ n: number }>('SELECT ? + 0 AS n', [i])));
      expect(results.every((r, i) => Number(r.rows[0]?.n) === i)).to.equal(true);
      expect(db.stats().acquired - before).to.equal(100);
    });
  }

  it('pipelines neither statements without parameters nor those with named parameters', async () => {
    const { db } = openPipelined({ pool: { max: 2 } });
    await teach(db, 2, 'SELECT 1 AS n', () => []);
    await teach(db, 2, 'SELECT :n + 0 AS n', (i) => [{ n: i }][0] as never);
    const before = db.stats().acquired;
    const plain = Promise.all(Array.from({ length: 50 }, () => db.query<{ n: number }>('SELECT 1 AS n')));
    const named = Promise.all(Array.from({ length: 50 }, (_, i) => db.query<{ n: number }>('SELECT :n + 0 AS n', { n: i })));
    expect((await plain).every((r) => Number(r.rows[0]?.n) === 1)).to.equal(true);
    expect((await named).every((r, i) => Number(r.rows[0]?.n) === i)).to.equal(true);
    expect(db.stats().acquired - before).to.equal(100);
  });

  it('a shared connection goes back to the pool idle: the server sees no transaction and no statement on it afterwards', async () => {
    const { db } = openPipelined({ pool: { max: 1 } });
    const whoAmI = 'SELECT ? + 0 AS n, CONNECTION_ID() AS id';
    await teach(db, 1, whoAmI, (i) => [i]);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => db.query<{ n: number; id: number }>(whoAmI, [i])));
    const ids = new Set(results.map((r) => Number(r.rows[0]?.id)));
    expect(ids.size).to.equal(1);
    const [id] = [...ids];
    const [mine] = await serverRows<{ command: string }>('SELECT COMMAND AS command FROM information_schema.PROCESSLIST WHERE ID = ?', [id]);
    expect(mine?.command).to.equal('Sleep');
    const trx = await serverRows<{ id: number }>('SELECT trx_mysql_thread_id AS id FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?', [id]);
    expect(trx).to.deep.equal([]);
    expect(db.stats().inUse).to.equal(0);
  });
});
