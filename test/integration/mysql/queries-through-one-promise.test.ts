import { expect } from 'chai';
import { AsyncLocalStorage } from 'node:async_hooks';
import { tracingChannel } from 'node:diagnostics_channel';
import { UnipoolError } from '../../../src/errors.js';
import { engineUnderTest } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

const mariadb = engineUnderTest('mysql');

/*
 * A MySQL query outside a transaction runs acquire → statement → release through the adapter's
 * callback (`queryInto`), and a waiting caller's statement is sent from inside the release of
 * another query's connection. These tests load a small pool with many callers, so nearly every
 * query takes that path. Pipelining is off: with it, statements waiting for a connection share
 * one instead (see the pipelining tests).
 */
describe('mysql: queries outside a transaction through one promise (the callback path)', () => {
  closeDatabasesAfterEach();

  it('answers 60 concurrent callers on 2 connections, each with its own value, and gives every connection back idle', async () => {
    const { db } = openDatabase(mariadb, { pipeline: false, pool: { max: 2 } });
    const values = Array.from({ length: 60 }, (_, i) => i * 7 + 1);
    const results = await Promise.all(values.map((v) => db.query<{ n: number }>('SELECT ? + 0 AS n', [v])));
    expect(results.map((r) => Number(r.rows[0]?.n))).to.deep.equal(values);
    expect(results.every((r) => r.rowCount === 1 && r.fields?.[0]?.name === 'n')).to.equal(true);
    const stats = db.stats();
    expect(stats.inUse).to.equal(0);
    expect(stats.size).to.be.at.most(2);
    expect(stats.acquired).to.equal(60);
  });

  it('fails only the callers whose statement failed (a server error, a refused value); the others and the pool carry on', async () => {
    const { db } = openDatabase(mariadb, { pipeline: false, pool: { max: 2 } });
    const calls = Array.from({ length: 30 }, (_, i) => {
      if (i % 10 === 3) return db.query('SELECT * FROM mysqlspeed_no_such_table');
      if (i % 10 === 6) return db.query('SELECT ? AS n', [{ id: i }]);
      return db.query<{ n: number }>('SELECT ? + 0 AS n', [i]);
    });
    const settled = await Promise.allSettled(calls);
    settled.forEach((outcome, i) => {
      if (i % 10 === 3) {
        expect(outcome.status, `call ${i}`).to.equal('rejected');
        expect((outcome as PromiseRejectedResult).reason).to.have.property('code', 'ER_NO_SUCH_TABLE');
      } else if (i % 10 === 6) {
        expect(outcome.status, `call ${i}`).to.equal('rejected');
        const reason = (outcome as PromiseRejectedResult).reason as UnipoolError;
        expect(reason).to.be.instanceOf(UnipoolError);
        expect(reason.code).to.equal('UNIPOOL_INVALID_ARGUMENT');
      } else {
        expect(outcome.status, `call ${i}`).to.equal('fulfilled');
        expect(Number((outcome as PromiseFulfilledResult<{ rows: { n: number }[] }>).value.rows[0]?.n)).to.equal(i);
      }
    });
    expect(db.stats().inUse).to.equal(0);
    const { rows } = await db.query<{ ok: number }>('SELECT 1 AS ok');
    expect(Number(rows[0]?.ok)).to.equal(1);
  });

  it('with a unipool:query tracer subscribed, starts each waiting statement in its own caller\'s async context', async () => {
    const { db } = openDatabase(mariadb, { pipeline: false, pool: { max: 1 } });
    const caller = new AsyncLocalStorage<number>();
    const seen: { sql: unknown; caller: number | undefined }[] = [];
    const channel = tracingChannel<unknown, Record<string, unknown>>('unipool:query');
    const handlers = {
      start: (context: Record<string, unknown>) => seen.push({ sql: context['sql'], caller: caller.getStore() }),
      end: () => undefined,
      asyncStart: () => undefined,
      asyncEnd: () => undefined,
      error: () => undefined,
    };
    channel.subscribe(handlers);
    try {
      await Promise.all([1, 2, 3, 4, 5].map((id) => caller.run(id, () => db.query(`SELECT ${id} AS caller_${id}`))));
    } finally {
      channel.unsubscribe(handlers);
    }
    expect(seen).to.have.length(5);
    for (const { sql, caller: id } of seen) expect(sql).to.equal(`SELECT ${id} AS caller_${id}`);
  });
});
