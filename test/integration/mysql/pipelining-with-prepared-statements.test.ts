import { expect } from 'chai';
import type { Database, Row } from '../../../src/index.js';
import { openPipelined, serverCheck, serverRows, settleAll, teach, usePipelinedTable } from './pipelining-support.js';

/** A status counter of the session the query runs on (with a pool of one: the pool's connection). */
async function sessionStatus(db: Database, name: string): Promise<number> {
  const { rows } = await db.query<{ Value: string }>(`SHOW SESSION STATUS LIKE '${name}'`);
  return Number(rows[0]?.Value ?? NaN);
}

/** Server-side prepared statements open on the whole server. */
async function preparedOnServer(): Promise<number> {
  const [row] = await serverRows<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'");
  return Number(row?.Value ?? NaN);
}

/** Rows with their values as numbers where they look like numbers (the shape is what these tests compare). */
const plain = (rows: readonly Row[]): Record<string, unknown>[] => rows.map((row) => ({ ...row }));

/**
 * With statementCacheSize above 0, statements with positional parameters run as server-side
 * prepared statements (mysql2's execute()), and pipelined ones as COM_STMT_EXECUTE of the statement
 * mysql2 holds: what the server changes under a prepared statement must never give a wrong answer.
 */
describe('mysql (MariaDB): pipelining with server-side prepared statements', function () {
  this.timeout(120_000);
  let table: string;
  usePipelinedTable('pipeline_prepared', (name) => (table = name));

  it('pipelined prepared statements share connections and each answers its own row', async () => {
    const { db } = openPipelined({ pool: { max: 1 }, statementCacheSize: 100 });
    const select = `SELECT a FROM ${table} WHERE id = ?`;
    await teach(db, 1, select, (i) => [1 + (i % 100)]);
    const executedBefore = await sessionStatus(db, 'Com_stmt_execute');
    const preparedBefore = await sessionStatus(db, 'Com_stmt_prepare');
    const before = db.stats().acquired;
    // As many as one connection takes in flight at once.
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => db.query<{ a: number }>(select, [100 - i])));
    expect(db.stats().acquired - before).to.be.below(50);
    results.forEach((r, i) => expect(r.rows, `statement ${i}`).to.deep.equal([{ a: (100 - i) * 10 }]));
    // Each ran as an execution of the one statement prepared while teaching: none as text, none prepared again.
    expect((await sessionStatus(db, 'Com_stmt_execute')) - executedBefore).to.equal(100);
    expect((await sessionStatus(db, 'Com_stmt_prepare')) - preparedBefore).to.equal(0);
    expect(db.stats().destroyed).to.equal(0);
  });

  it('ALTER TABLE ADD COLUMN after a SELECT * was learned: pipelined executions answer in the new shape, never a wrong result', async () => {
    const { db } = openPipelined({ pool: { max: 2 }, statementCacheSize: 100 });
    const select = `SELECT * FROM ${table} WHERE id = ?`;
    await teach(db, 2, select, (i) => [1 + (i % 100)]);
    await serverCheck((c) => c.query(`ALTER TABLE ${table} ADD COLUMN b int NOT NULL DEFAULT 7`));
    const before = db.stats().acquired;
    const outcomes = await settleAll(Array.from({ length: 200 }, (_, i) => db.query(select, [1 + (i % 100)])));
    expect(db.stats().acquired - before).to.be.below(100);
    outcomes.forEach((outcome, i) => {
      const id = 1 + (i % 100);
      expect(outcome.status, `statement ${i}`).to.equal('fulfilled');
      const rows = plain((outcome as PromiseFulfilledResult<{ rows: Row[] }>).value.rows);
      // The server re-prepares a statement whose table changed: the new shape, with the new column's values.
      expect(rows, `statement ${i}`).to.deep.equal([{ id, a: id * 10, b: 7 }]);
    });
    const again = await Promise.all(Array.from({ length: 100 }, (_, i) => db.query(select, [i + 1])));
    again.forEach((r, i) => expect(plain(r.rows), `statement ${i}`).to.deep.equal([{ id: i + 1, a: (i + 1) * 10, b: 7 }]));
  });

  it('ALTER TABLE that changes a column\'s type after a SELECT * was learned: pipelined executions decode the new type, never a wrong value', async () => {
    const { db } = openPipelined({ pool: { max: 2 }, statementCacheSize: 100 });
    const select = `SELECT * FROM ${table} WHERE id = ?`;
    await teach(db, 2, select, (i) => [1 + (i % 100)]);
    await serverCheck((c) => c.query(`ALTER TABLE ${table} MODIFY a varchar(20), ADD COLUMN c varchar(10) NOT NULL DEFAULT 'new' FIRST`));
    const outcomes = await settleAll(Array.from({ length: 200 }, (_, i) => db.query(select, [1 + (i % 100)])));
    outcomes.forEach((outcome, i) => {
      const id = 1 + (i % 100);
      expect(outcome.status, `statement ${i}`).to.equal('fulfilled');
      const rows = (outcome as PromiseFulfilledResult<{ rows: Row[] }>).value.rows;
      expect(plain(rows), `statement ${i}`).to.deep.equal([{ c: 'new', id, a: String(id * 10) }]);
      // In the server's new column order, too.
      expect(Object.keys(rows[0] ?? {}), `statement ${i}`).to.deep.equal(['c', 'id', 'a']);
    });
  });

  it('ALTER TABLE ADD COLUMN while executions are in flight: each answers in the old shape or the new one, never a wrong result', async () => {
    const { db } = openPipelined({ pool: { max: 2 }, statementCacheSize: 100 });
    const select = `SELECT * FROM ${table} WHERE id = ?`;
    await teach(db, 2, select, (i) => [1 + (i % 100)]);
    const waves: Promise<{ rows: Row[] }>[] = [];
    const ddl = serverCheck((c) => c.query(`ALTER TABLE ${table} ADD COLUMN b int NOT NULL DEFAULT 7`));
    // Several waves, so some are in flight as the ALTER commits and some start after it.
    for (let wave = 0; wave < 5; wave++) {
      waves.push(...Array.from({ length: 100 }, (_, i) => db.query(select, [i + 1])));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const outcomes = await settleAll(waves);
    await ddl;
    outcomes.forEach((outcome, k) => {
      const id = 1 + (k % 100);
      expect(outcome.status, `statement ${k}`).to.equal('fulfilled');
      const rows = plain((outcome as PromiseFulfilledResult<{ rows: Row[] }>).value.rows);
      expect([[{ id, a: id * 10 }], [{ id, a: id * 10, b: 7 }]], `statement ${k}`).to.deep.include(rows);
    });
    const after = await Promise.all(Array.from({ length: 100 }, (_, i) => db.query(select, [i + 1])));
    after.forEach((r, i) => expect(plain(r.rows), `statement ${i}`).to.deep.equal([{ id: i + 1, a: (i + 1) * 10, b: 7 }]));
  });

  it('keeps the server\'s prepared statements bounded: 2,000 distinct statements, each sent twice at once, through a cache of 20', async () => {
    const baseline = await preparedOnServer();
    const max = 2;
    const { db } = openPipelined({ pool: { max }, statementCacheSize: 20 });
    let sharedRuns = 0;
    let sharedCheckouts = 0;
    let peak = 0;
    for (let batch = 0; batch < 100; batch++) {
      const texts = Array.from({ length: 20 }, (_, j) => `SELECT ? + ${batch * 20 + j} AS n`);
      // Each text twice, the second behind the first: once learned, it may be pipelined.
      const runs = texts.flatMap((text) => [db.query<{ n: number }>(text, [1]), db.query<{ n: number }>(text, [1])]);
      const results = await Promise.all(runs);
      results.forEach((r, k) => {
        const expected = batch * 20 + Math.floor(k / 2) + 1;
        if (Number(r.rows[0]?.n) !== expected) expect.fail(`batch ${batch}, run ${k} answered ${JSON.stringify(r.rows)}`);
      });
      if (batch % 10 === 0) {
        // Each text a few times more, all at once, now known: these share connections.
        const before = db.stats().acquired;
        const again = await Promise.all(texts.flatMap((text, j) => Array.from({ length: 4 }, () => db.query<{ n: number }>(text, [2]).then((r) => [Number(r.rows[0]?.n), batch * 20 + j + 2]))));
        for (const [got, expected] of again) if (got !== expected) expect.fail(`batch ${batch}: answered ${got}, expected ${expected}`);
        sharedCheckouts += db.stats().acquired - before;
        sharedRuns += again.length;
        peak = Math.max(peak, (await preparedOnServer()) - baseline);
      }
    }
    expect(sharedCheckouts).to.be.below(sharedRuns / 2);
    const count = (await preparedOnServer()) - baseline;
    // mysql2 closes the statements it evicts: at most the cache's worth per connection (and a little
    // slack for other clients of the test server).
    expect(Math.max(count, peak)).to.be.at.most(max * 20 + 5);
    expect(count).to.be.at.least(15);
    expect(db.stats().destroyed).to.equal(0);
  });
});
