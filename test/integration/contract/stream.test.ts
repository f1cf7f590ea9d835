import * as diagnostics from 'node:diagnostics_channel';
import { expect } from 'chai';
import { UnipoolError } from '../../../src/index.js';
import { ENGINES } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

const first = (row: Record<string, unknown>): number => Number(Object.values(row)[0]);

for (const engine of ENGINES) {
  describe(`${engine.engine}: stream`, () => {
    closeDatabasesAfterEach();

    it('yields every row and releases the connection when the loop ends', async () => {
      const { db } = openDatabase(engine);
      let count = 0;
      let sum = 0;
      for await (const row of db.stream(engine.series(1000), [], { batchSize: 100 })) {
        count++;
        sum += first(row);
        expect(db.stats().inUse).to.equal(1);
      }
      expect(count).to.equal(1000);
      expect(sum).to.equal(500500);
      expect(db.stats().inUse).to.equal(0);
    });

    it('takes options right after a db.sql template (no placeholder undefined for params)', async () => {
      const { db } = openDatabase(engine);
      // The engine's row series as a template without values (each engine spells it differently).
      const series = engine.series(1000);
      const template = db.sql(Object.assign([series], { raw: [series] }) as unknown as TemplateStringsArray);
      let count = 0;
      for await (const row of db.stream(template, { batchSize: 100 })) count += first(row) > 0 ? 1 : 0;
      expect(count).to.equal(1000);
      expect(db.stats().inUse).to.equal(0);
      // The second argument is read as options: a bad batchSize is named as such.
      expect(() => db.stream(template, { batchSize: 0 })).to.throw(UnipoolError, /batchSize/);
    });

    it('releases (or destroys) the connection when the loop breaks early, and the pool stays usable', async () => {
      const { db } = openDatabase(engine, { pool: { max: 1 } });
      const reasons: string[] = [];
      const onDestroy = (message: unknown): void => void reasons.push((message as { reason: string }).reason);
      diagnostics.subscribe('unipool:destroy', onDestroy);
      const seen: number[] = [];
      try {
        for await (const row of db.stream(engine.series(50_000), [], { batchSize: 10 })) {
          seen.push(first(row));
          if (seen.length === 3) break;
        }
      } finally {
        diagnostics.unsubscribe('unipool:destroy', onDestroy);
      }
      expect(seen).to.deep.equal([1, 2, 3]);
      expect(db.stats().inUse).to.equal(0);
      // Where the driver cannot stop a result (MySQL), the live connection is closed as `bad-state`:
      // it is not dead, and `broken` would send whoever watches the metric looking for a network fault.
      expect(reasons, 'destroy reasons').to.deep.equal(db.stats().destroyed === 0 ? [] : ['bad-state']);
      expect((await db.query(engine.select('1 AS one'))).rowCount).to.equal(1);
    });

    it('releases the connection when the loop body throws', async () => {
      const { db } = openDatabase(engine, { pool: { max: 1 } });
      const error = await (async () => {
        for await (const row of db.stream(engine.series(100))) {
          if (first(row) === 5) throw new Error('stop here');
        }
      })().catch((e: unknown) => e);
      expect((error as Error).message).to.equal('stop here');
      expect(db.stats().inUse).to.equal(0);
      expect((await db.query(engine.select('1 AS one'))).rowCount).to.equal(1);
    });

    it('streams on the transaction connection inside atomic()', async () => {
      const { db } = openDatabase(engine);
      await db.atomic(async () => {
        let count = 0;
        for await (const _row of db.stream(engine.series(10))) count++;
        expect(count).to.equal(10);
        expect(db.stats().size).to.equal(1);
      });
    });

    it('rejects a bad batchSize with UNIPOOL_INVALID_ARGUMENT', () => {
      const { db } = openDatabase(engine);
      expect(() => db.stream(engine.series(1), [], { batchSize: 0 })).to.throw('db.stream(): batchSize must be an integer from 1 to 2147483647, got 0');
      for (const batchSize of [1.5, 2 ** 31, 3147454523466133, Number.MAX_SAFE_INTEGER, Infinity]) {
        expect(() => db.stream(engine.series(1), [], { batchSize }), String(batchSize)).to.throw(UnipoolError).with.property('code', 'UNIPOOL_INVALID_ARGUMENT');
      }
      expect(db.stats().inUse).to.equal(0);
    });

    it('accepts the largest batchSize, 2³¹−1, and reads every row with it', async () => {
      const { db } = openDatabase(engine);
      let count = 0;
      for await (const _row of db.stream(engine.series(10), [], { batchSize: 2 ** 31 - 1 })) count++;
      expect(count).to.equal(10);
      expect(db.stats().inUse).to.equal(0);
    });
  });
}

for (const engine of ENGINES) {
  describe(`${engine.engine}: stream on a held connection`, () => {
    closeDatabasesAfterEach();

    it('refuses a query on the same connection while the loop is open, instead of hanging', async () => {
      const { db } = openDatabase(engine);
      await db.atomic(async () => {
        for await (const _row of db.stream(engine.series(5))) {
          const error = await db.query(engine.select('1 AS one')).catch((e: unknown) => e);
          expect(error).to.have.property('code', 'UNIPOOL_CONNECTION_BUSY');
          break;
        }
        expect((await db.query(engine.select('1 AS one'))).rowCount).to.equal(1);
      });
    });
  });
}
