import { expect } from 'chai';
import type { QueryResult } from '../../../src/index.js';
import { uniqueTable } from '../../support/engines.js';
import { withDocsLink } from '../../support/docs-link.js';
import { closePipelined, fulfilled, openPipelined, rejected, serverCheck, serverRows, settleAll, spyOnConnections, teach, writeIntoPipeline } from './pipelining-support.js';

type Caught = { code?: string; message?: string };

/** The ids INSERTs reported as generated (each must be on the server). */
function insertIds(outcomes: readonly PromiseSettledResult<QueryResult>[]): number[] {
  return fulfilled(outcomes).map((r) => Number(r.insertId));
}

/**
 * Pipelining shares a connection between statements in flight; these prove it never lets one
 * caller's transaction or session state reach another's statement, and never reports a statement
 * done that the server did not keep.
 */
describe('mysql (MariaDB): pipelining keeps statements apart', function () {
  this.timeout(60_000);
  let table: string;

  beforeEach(async () => {
    table = uniqueTable('pipeline_apart');
    await serverCheck((c) => c.query(`CREATE TABLE ${table} (id int AUTO_INCREMENT PRIMARY KEY, v int NOT NULL) ENGINE=InnoDB`));
  });
  afterEach(async () => {
    await closePipelined();
    await serverCheck((c) => c.query(`DROP TABLE IF EXISTS ${table}`));
  });

  const onServer = async (): Promise<Set<number>> => new Set((await serverRows<{ id: number }>(`SELECT id FROM ${table}`)).map((r) => Number(r.id)));

  /** Fails with the first id reported done that the server does not hold. */
  const expectAllKept = async (reported: readonly number[]): Promise<void> => {
    const kept = await onServer();
    for (const id of reported) if (!kept.has(id)) expect.fail(`INSERT ${id} was reported done but is not on the server`);
  };

  it('shares connections: 200 statements at once on a pool of 2 take far fewer checkouts, each answered with its own value', async () => {
    const { db } = openPipelined({ pool: { max: 2 } });
    const echo = 'SELECT ? + 0 AS n';
    await teach(db, 2, echo, (i) => [i]);
    const before = db.stats().acquired;
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => db.query<{ n: number }>(echo, [i])));
    expect(results.map((r) => Number(r.rows[0]?.n))).to.deep.equal(Array.from({ length: 200 }, (_, i) => i));
    // Without sharing every statement is one checkout; a pipelined lease serves many.
    expect(db.stats().acquired - before).to.be.below(100);
    expect(db.stats().inUse).to.equal(0);
    expect(db.stats().destroyed).to.equal(0);
  });

  it('a manual START TRANSACTION by one caller while INSERTs are in flight is refused; every INSERT reported done is on the server', async () => {
    const { db } = openPipelined({ pool: { max: 3 } });
    const insert = `INSERT INTO ${table} (v) VALUES (?)`;
    await teach(db, 3, insert, (i) => [i]);
    const before = db.stats().acquired;
    const inserts: Promise<QueryResult>[] = [];
    const begins: Promise<Caught>[] = [];
    // Waves, so that each START TRANSACTION meets INSERTs pipelined on the other connections.
    for (let wave = 0; wave < 10; wave++) {
      inserts.push(...Array.from({ length: 60 }, (_, i) => db.query(insert, [wave * 100 + i])));
      // Outside any scope a START TRANSACTION cannot be followed to its connection: rolled back and
      // refused. It runs alone (never pipelined), so no INSERT lands in its transaction.
      if (wave % 3 === 1) begins.push(db.query('START TRANSACTION').then(() => ({}) as Caught, (error: unknown) => error as Caught));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const outcomes = await settleAll(inserts);
    expect((await Promise.all(begins)).map((e) => e.code)).to.deep.equal(Array.from({ length: 3 }, () => 'UNIPOOL_TX_OUTSIDE_SCOPE'));
    // The INSERTs did share connections. (How many share varies from run to run: a statement that
    // finds every connection busy and no lease open waits for a connection of its own.)
    expect(db.stats().acquired - before, 'the INSERTs shared connections').to.be.below(500);
    expect(rejected(outcomes)).to.deep.equal([]);
    const reported = insertIds(outcomes);
    expect(new Set(reported).size).to.equal(600);
    await expectAllKept(reported);
    // And only those: 600 plus the 24 teaching runs, no INSERT counted twice or lost.
    const [count] = await serverRows<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`);
    expect(Number(count?.n)).to.equal(624);
    expect(db.stats().inUse).to.equal(0);
  });

  it('a START TRANSACTION inside session() keeps its own connection; its ROLLBACK takes none of the pipelined INSERTs along', async () => {
    const { db } = openPipelined({ pool: { max: 3 } });
    const insert = `INSERT INTO ${table} (v) VALUES (?)`;
    await teach(db, 3, insert, (i) => [i]);
    const before = db.stats().acquired;
    const scoped = db.session(async () => {
      await db.query('START TRANSACTION');
      // The same statement text as the pipelined ones: inside the block it runs on the held connection.
      for (let i = 0; i < 20; i++) await db.query(insert, [-1]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await db.query('ROLLBACK');
    });
    const inserts: Promise<QueryResult>[] = [];
    for (let wave = 0; wave < 8; wave++) {
      inserts.push(...Array.from({ length: 50 }, (_, i) => db.query(insert, [wave * 100 + i])));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const outcomes = await settleAll(inserts);
    await scoped;
    expect(db.stats().acquired - before, 'the INSERTs shared connections').to.be.below(340);
    expect(rejected(outcomes)).to.deep.equal([]);
    const reported = insertIds(outcomes);
    expect(new Set(reported).size).to.equal(400);
    await expectAllKept(reported);
    const [rolledBack] = await serverRows<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE v = -1`);
    expect(Number(rolledBack?.n)).to.equal(0);
    expect(db.stats().destroyed).to.equal(0);
  });

  it('a statement that finds a transaction open ahead of it in the pipeline fails with UNIPOOL_PIPELINE_IN_TRANSACTION; the connection is destroyed, no reported INSERT is lost', async () => {
    const { db } = openPipelined({ pool: { max: 1 } });
    const insert = `INSERT INTO ${table} (v) VALUES (?)`;
    await teach(db, 1, insert, (i) => [i]);
    const spy = spyOnConnections();
    try {
      const ahead = Array.from({ length: 30 }, (_, i) => db.query(insert, [i]));
      expect(spy.connections.size).to.equal(1);
      const [conn] = [...spy.connections];
      // What no db.query() caller can do: a START TRANSACTION written into the pipeline, as a
      // statement that changed transaction state against everything learned about it would.
      const rawBegin = writeIntoPipeline(conn!, 'START TRANSACTION');
      const behind = Array.from({ length: 30 }, (_, i) => db.query(insert, [100 + i]));
      const outcomes = await settleAll([...ahead, ...behind]);
      expect(await rawBegin).to.equal(undefined);
      const ok = insertIds(outcomes);
      const failed = rejected(outcomes);
      expect(ok).to.have.length(30);
      expect(outcomes.slice(0, 30).every((o) => o.status === 'fulfilled'), 'the INSERTs ahead of the START TRANSACTION').to.equal(true);
      expect(failed).to.have.length(30);
      for (const error of failed) {
        expect(error.code).to.equal('UNIPOOL_PIPELINE_IN_TRANSACTION');
        expect(error.message).to.equal(
          withDocsLink(
            'UNIPOOL_PIPELINE_IN_TRANSACTION',
            'mysql: a pipelined statement ran inside a transaction it did not open, or with autocommit off (server status 0x3): its work is not committed, and the connection was destroyed, which rolls it back. Retry it if it is idempotent, or set pipeline: false.',
          ),
        );
      }
      await expectAllKept(ok);
      // Only the 30 ahead of the START TRANSACTION (and the teaching runs) were kept: the rest died
      // with the connection.
      const [behindKept] = await serverRows<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE v >= 100`);
      expect(Number(behindKept?.n)).to.equal(0);
      expect(db.stats().destroyed).to.equal(1);
      expect(db.stats().inUse).to.equal(0);
    } finally {
      spy.restore();
    }
    // The pool goes on with a new connection, and pipelines there once it learned the statement again.
    await teach(db, 1, insert, (i) => [200 + i]);
    const again = await settleAll(Array.from({ length: 50 }, (_, i) => db.query(insert, [300 + i])));
    expect(rejected(again)).to.deep.equal([]);
    await expectAllKept(insertIds(again));
  });

  it('SET time_zone or sql_mode by one caller never changes the session of the pipelined statements of others', async () => {
    const { db } = openPipelined({ pool: { max: 3 } });
    const read = 'SELECT @@session.time_zone AS tz, @@session.sql_mode AS mode, ? AS i';
    const [baseline] = (await db.query<{ tz: string; mode: string }>(read, [0])).rows;
    expect(baseline?.tz).to.not.equal('+05:00');
    await teach(db, 3, read, (i) => [i]);
    const before = db.stats().acquired;
    const reads: Promise<QueryResult<{ tz: string; mode: string; i: number }>>[] = [];
    // Inside a session: its own connection sees the new setting for as long as the session lasts.
    const inSession = db.session(async () => {
      await db.query("SET time_zone = '+05:00'");
      const seen: unknown[] = [];
      for (let i = 0; i < 10; i++) seen.push((await db.query<{ tz: string }>(read, [i])).rows[0]?.tz);
      return seen.every((tz) => tz === '+05:00') ? 'session saw +05:00' : `session saw ${JSON.stringify(seen)}`;
    });
    const outside: Promise<string | undefined>[] = [];
    // Waves, so that the SETs run between and beside pipelined reads.
    for (let wave = 0; wave < 8; wave++) {
      reads.push(...Array.from({ length: 50 }, (_, i) => db.query<{ tz: string; mode: string; i: number }>(read, [wave * 50 + i])));
      // Outside a session: refused, and the connection reset.
      const set = wave % 2 === 0 ? "SET time_zone = '+05:00'" : "SET @@session.sql_mode = 'ANSI'";
      if (wave < 6) outside.push(db.query(set).then(() => 'set', (e: Caught) => e.code));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const done = await Promise.all(reads);
    expect(db.stats().acquired - before, 'the reads shared connections').to.be.below(350);
    expect(await Promise.all(outside)).to.deep.equal(Array.from({ length: 6 }, () => 'UNIPOOL_SESSION_STATE_OUTSIDE_SESSION'));
    expect(await inSession).to.equal('session saw +05:00');
    const wrong = done.filter((r, i) => r.rows[0]?.tz !== baseline?.tz || r.rows[0]?.mode !== baseline?.mode || Number(r.rows[0]?.i) !== i);
    expect(wrong.map((r) => r.rows[0]), 'reads that saw another caller\'s session').to.deep.equal([]);
    const after = await Promise.all(Array.from({ length: 100 }, (_, i) => db.query<{ tz: string; mode: string }>(read, [i])));
    expect(after.every((r) => r.rows[0]?.tz === baseline?.tz && r.rows[0]?.mode === baseline?.mode)).to.equal(true);
  });

  it('an error among 100 pipelined statements (a duplicate key) fails exactly that one; the 99 others succeed and are on the server', async () => {
    const { db } = openPipelined({ pool: { max: 2 } });
    const insert = `INSERT INTO ${table} (id, v) VALUES (?, ?)`;
    let taught = 100_000;
    await teach(db, 2, insert, () => [taught++, 0]);
    await serverCheck((c) => c.query(`INSERT INTO ${table} (id, v) VALUES (51, -50)`));
    const before = db.stats().acquired;
    const outcomes = await settleAll(Array.from({ length: 100 }, (_, i) => db.query(insert, [i + 1, i])));
    expect(db.stats().acquired - before).to.be.below(50);
    outcomes.forEach((outcome, i) => {
      if (i === 50) {
        expect(outcome.status).to.equal('rejected');
        expect((outcome as PromiseRejectedResult).reason.code).to.equal('ER_DUP_ENTRY');
      } else {
        expect(outcome.status, `statement ${i}`).to.equal('fulfilled');
        expect((outcome as PromiseFulfilledResult<QueryResult>).value.rowCount, `statement ${i}`).to.equal(1);
      }
    });
    const rows = await serverRows<{ id: number; v: number }>(`SELECT id, v FROM ${table} WHERE id <= 100 ORDER BY id`);
    expect(rows.map((r) => [Number(r.id), Number(r.v)])).to.deep.equal(Array.from({ length: 100 }, (_, i) => [i + 1, i === 50 ? -50 : i]));
    expect(db.stats().destroyed).to.equal(0);
  });

  it('a runtime error of one SELECT among 100 pipelined ones fails exactly that one; the others answer their own value', async () => {
    const { db } = openPipelined({ pool: { max: 2 } });
    // The scalar subquery returns two rows only when ? is 50: a per-value server error.
    const select = 'SELECT (SELECT ? + 0 FROM seq_1_to_2 WHERE seq = 1 OR ? = 50) AS n';
    await teach(db, 2, select, (i) => [i, i]);
    const before = db.stats().acquired;
    const outcomes = await settleAll(Array.from({ length: 100 }, (_, i) => db.query<{ n: number }>(select, [i, i])));
    expect(db.stats().acquired - before).to.be.below(50);
    outcomes.forEach((outcome, i) => {
      if (i === 50) {
        expect(outcome.status).to.equal('rejected');
        expect((outcome as PromiseRejectedResult).reason.code).to.equal('ER_SUBQUERY_NO_1_ROW');
      } else {
        expect(outcome.status, `statement ${i}`).to.equal('fulfilled');
        expect(Number((outcome as PromiseFulfilledResult<QueryResult<{ n: number }>>).value.rows[0]?.n), `statement ${i}`).to.equal(i);
      }
    });
    expect(db.stats().destroyed).to.equal(0);
  });

  it('a value that cannot be bound (a symbol, a function) fails only its own statement, before anything is sent; its neighbours succeed', async () => {
    const { db } = openPipelined({ pool: { max: 1 } });
    const insert = `INSERT INTO ${table} (v) VALUES (?)`;
    await teach(db, 1, insert, (i) => [i]);
    const unbindable = (i: number): unknown => (i === 30 ? Symbol('not a value') : i === 59 ? () => i : undefined);
    const before = db.stats().acquired;
    const outcomes = await settleAll(Array.from({ length: 60 }, (_, i) => db.query(insert, [unbindable(i) ?? 1000 + i])));
    expect(db.stats().acquired - before).to.be.below(30);
    outcomes.forEach((outcome, i) => {
      // The last one too: its failure must not end the lease before the statements ahead of it.
      if (i === 30 || i === 59) {
        expect(outcome.status, `statement ${i}`).to.equal('rejected');
        expect((outcome as PromiseRejectedResult).reason.code).to.equal('UNIPOOL_INVALID_ARGUMENT');
      } else expect(outcome.status, `statement ${i}`).to.equal('fulfilled');
    });
    await expectAllKept(insertIds(outcomes));
    // Nothing was sent for the refused ones: the server holds exactly the 58 others.
    const values = await serverRows<{ v: number }>(`SELECT v FROM ${table} WHERE v >= 1000 ORDER BY v`);
    expect(values.map((r) => Number(r.v))).to.deep.equal(Array.from({ length: 60 }, (_, i) => 1000 + i).filter((v) => v !== 1030 && v !== 1059));
    // Right behind a single statement in flight: its failure must not end the lease early.
    for (let i = 0; i < 10; i++) {
      const [good, bad] = await settleAll([db.query(insert, [2000 + i]), db.query(insert, [Symbol('not a value')])]);
      expect(good?.status).to.equal('fulfilled');
      expect(bad?.status).to.equal('rejected');
    }
    expect(db.stats().destroyed).to.equal(0);
    expect(db.stats().inUse).to.equal(0);
    const [late] = await serverRows<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE v >= 2000`);
    expect(Number(late?.n)).to.equal(10);
  });
});
