import { expect } from 'chai';
import { usePgBouncer, type RunningPgBouncer } from '../../support/pgbouncer.js';
import type { Database } from '../../../src/index.js';
import { openPipelined, serverCheck, settleAll, spyOnClients, teach, usePipelinedTable } from './pipelining-support.js';

/** unipool's prepared statements on the connection that runs this. */
async function preparedCount(db: Database): Promise<number> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'unipool\\_%'");
  return rows[0]?.n ?? -1;
}

/** Pipelined statements run from the statement cache: what the server drops or changes under it. */
describe('postgres: pipelining and the statement cache', function () {
  this.timeout(120_000);
  let table: string;
  usePipelinedTable('pipeline_cache', (name) => (table = name));

  it('DDL that changes a cached statement\'s result type (0A000): pipelined statements are re-prepared, never a wrong result', async () => {
    const db = openPipelined({ pool: { max: 2 } });
    const select = `SELECT * FROM ${table} WHERE id = $1`;
    await teach(db, 2, select, (i) => [1 + (i % 100)]);
    await db.query(`ALTER TABLE ${table} ALTER COLUMN a TYPE text`);
    const before = db.stats().acquired;
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => db.query(select, [i + 1])));
    expect(db.stats().acquired - before).to.be.below(50);
    results.forEach((result, i) => expect(result.rows, `statement ${i}`).to.deep.equal([{ id: i + 1, a: String((i + 1) * 10) }]));
    // Learned again, and pipelined, in the new shape.
    await teach(db, 2, select, (i) => [1 + (i % 100)]);
    const again = await Promise.all(Array.from({ length: 100 }, (_, i) => db.query(select, [i + 1])));
    again.forEach((result, i) => expect(result.rows).to.deep.equal([{ id: i + 1, a: String((i + 1) * 10) }]));
  });

  it('DDL while the statements are in flight: each answers in the old shape or the new one, or fails with a clear error — never a wrong result', async () => {
    const db = openPipelined({ pool: { max: 2 } });
    const select = `SELECT * FROM ${table} WHERE id = $1`;
    await teach(db, 2, select, (i) => [1 + (i % 100)]);
    const statements = Array.from({ length: 300 }, (_, i) => db.query(select, [1 + (i % 100)]));
    const ddl = serverCheck((c) => c.query(`ALTER TABLE ${table} ALTER COLUMN a TYPE text`));
    const outcomes = await settleAll(statements);
    await ddl;
    outcomes.forEach((outcome, i) => {
      const id = 1 + (i % 100);
      if (outcome.status === 'rejected') expect((outcome.reason as { code?: string }).code, `statement ${i}`).to.equal('0A000');
      else expect([[{ id, a: id * 10 }], [{ id, a: String(id * 10) }]], `statement ${i}`).to.deep.include(outcome.value.rows);
    });
  });

  for (const drop of ['DISCARD ALL', 'DEALLOCATE ALL']) {
    it(`${drop} run by a caller while statements are pipelined: every statement still works`, async () => {
      const db = openPipelined({ pool: { max: 3 } });
      const select = `SELECT a FROM ${table} WHERE id = $1`;
      await teach(db, 3, select, (i) => [1 + (i % 100)]);
      const first = Array.from({ length: 200 }, (_, i) => db.query<{ a: number }>(select, [1 + (i % 100)]));
      const dropped = db.query(drop);
      const second = Array.from({ length: 200 }, (_, i) => db.query<{ a: number }>(select, [1 + (i % 100)]));
      const results = await Promise.all([...first, ...second]);
      await dropped;
      results.forEach((r, i) => expect(r.rows).to.deep.equal([{ a: (1 + (i % 100)) * 10 }]));
      const after = await Promise.all(Array.from({ length: 200 }, (_, i) => db.query<{ a: number }>(select, [1 + (i % 100)])));
      after.forEach((r, i) => expect(r.rows).to.deep.equal([{ a: (1 + (i % 100)) * 10 }]));
    });
  }

  it('DEALLOCATE ALL written into the pipeline itself: the statements behind it are re-prepared and succeed', async () => {
    const db = openPipelined({ pool: { max: 1 } });
    const select = `SELECT a FROM ${table} WHERE id = $1`;
    await teach(db, 1, select, (i) => [1 + (i % 100)]);
    const spy = spyOnClients();
    try {
      const ahead = Array.from({ length: 20 }, (_, i) => db.query<{ a: number }>(select, [i + 1]));
      expect(spy.clients.size).to.equal(1);
      const raw = [...spy.clients][0]!.query('DEALLOCATE ALL');
      const behind = Array.from({ length: 20 }, (_, i) => db.query<{ a: number }>(select, [i + 21]));
      const results = await Promise.all([...ahead, ...behind]);
      await raw;
      results.forEach((r, i) => expect(r.rows).to.deep.equal([{ a: (i + 1) * 10 }]));
    } finally {
      spy.restore();
    }
    expect((await db.query<{ a: number }>(select, [5])).rows).to.deep.equal([{ a: 50 }]);
  });

  it('keeps pg_prepared_statements bounded: 10,000 distinct statements, each sent twice at once, through a cache of 100', async () => {
    const db = openPipelined({ pool: { max: 1 }, statementCacheSize: 100 });
    let sharedRuns = 0;
    let sharedCheckouts = 0;
    for (let batch = 0; batch < 500; batch++) {
      const texts = Array.from({ length: 20 }, (_, j) => `SELECT $1::int + ${batch * 20 + j} AS n`);
      // Each text twice, the second behind the first: once learned, it may be pipelined.
      const runs = texts.flatMap((text) => [db.query<{ n: number }>(text, [1]), db.query<{ n: number }>(text, [1])]);
      const results = await Promise.all(runs);
      results.forEach((r, k) => {
        const expected = batch * 20 + Math.floor(k / 2) + 1;
        if (r.rows[0]?.n !== expected) expect.fail(`batch ${batch}, run ${k} answered ${JSON.stringify(r.rows)}`);
      });
      if (batch % 25 === 0) {
        // Each text once more, all at once, now known: these share the connection.
        const before = db.stats().acquired;
        await Promise.all(texts.map((text) => db.query(text, [1])));
        sharedCheckouts += db.stats().acquired - before;
        sharedRuns += texts.length;
      }
    }
    expect(sharedCheckouts).to.be.below(sharedRuns / 2);
    const count = await preparedCount(db);
    expect(count).to.be.at.most(101);
    expect(count).to.be.at.least(90);
  });

  describe('behind PgBouncer 1.18 in transaction mode', () => {
    let bouncer: RunningPgBouncer;
    usePgBouncer({ poolMode: 'transaction', defaultPoolSize: 2 }, (started) => (bouncer = started));

    it('pipelines nothing (the statement cache stays off behind a pooler) and every statement answers right', async () => {
      const db = openPipelined({ url: bouncer.url, pool: { max: 4 } });
      const select = `SELECT a FROM ${table} WHERE id = $1`;
      await teach(db, 4, select, (i) => [1 + (i % 100)]);
      const before = db.stats().acquired;
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => db.query<{ a: number }>(select, [1 + (i % 100)])));
      results.forEach((r, i) => expect(r.rows).to.deep.equal([{ a: (1 + (i % 100)) * 10 }]));
      expect(db.stats().acquired - before).to.equal(200);
    });

    it('with statementCacheSize set explicitly, pipelined statements still answer right (re-prepared when PgBouncer moves them)', async () => {
      const db = openPipelined({ url: bouncer.url, pool: { max: 4 }, statementCacheSize: 100 });
      const select = `SELECT a FROM ${table} WHERE id = $1`;
      await teach(db, 4, select, (i) => [1 + (i % 100)]).catch(() => undefined);
      const outcomes = await settleAll(Array.from({ length: 200 }, (_, i) => db.query<{ a: number }>(select, [1 + (i % 100)])));
      outcomes.forEach((outcome, i) => {
        // Behind an old PgBouncer a named statement may meet a server connection that lacks it
        // (26000) or has it from another client (42P05); never a wrong answer.
        if (outcome.status === 'rejected') expect(['26000', '42P05'], `statement ${i}`).to.include((outcome.reason as { code?: string }).code);
        else expect(outcome.value.rows).to.deep.equal([{ a: (1 + (i % 100)) * 10 }]);
      });
    });
  });
});
