import { expect } from 'chai';
import { ENGINES, eventually } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

/** Waits for the pool's own progress (the session's connection opened) instead of guessing a delay; 10 s at most. */
const until = (ready: () => boolean): Promise<void> => eventually(ready, 1000);

for (const engine of ENGINES) {
  describe(`${engine.engine}: pool limits and close`, () => {
    closeDatabasesAfterEach();

    it('rejects with UNIPOOL_ACQUIRE_TIMEOUT carrying the pool numbers when every connection stays busy', async () => {
      const { db } = openDatabase(engine, { pool: { max: 1, acquireTimeoutMs: 200 } });
      let release: (() => void) | undefined;
      const held = db.session(() => new Promise<void>((resolve) => (release = resolve)));
      await until(() => release !== undefined);
      const error = await db.query(engine.select('1 AS one')).catch((e: unknown) => e);
      release?.();
      await held;
      expect(error).to.have.property('code', 'UNIPOOL_ACQUIRE_TIMEOUT');
      // `waiting` counts the callers waiting when the deadline passed, the one that timed out included.
      expect((error as Error).message).to.contain('(size=1 inUse=1 idle=0 waiting=1)');
      expect(db.stats().timeouts).to.equal(1);
      expect((await db.query(engine.select('1 AS one'))).rowCount).to.equal(1);
    });

    it('rejects at once with UNIPOOL_QUEUE_FULL beyond maxWaiting', async () => {
      const { db } = openDatabase(engine, { pool: { max: 1, maxWaiting: 1, acquireTimeoutMs: 5000 } });
      let release: (() => void) | undefined;
      const held = db.session(() => new Promise<void>((resolve) => (release = resolve)));
      await until(() => release !== undefined);
      const waiting = db.query(engine.select('1 AS one'));
      const error = await db.query(engine.select('2 AS two')).catch((e: unknown) => e);
      expect(error).to.have.property('code', 'UNIPOOL_QUEUE_FULL');
      release?.();
      await held;
      expect((await waiting).rowCount).to.equal(1);
      expect(db.stats().rejected).to.equal(1);
    });

    it('close() waits for checked-out connections, then rejects new work with UNIPOOL_POOL_CLOSED', async () => {
      const { dbs, db } = openDatabase(engine);
      let started = false;
      let finished = false;
      const work = db.session(async () => {
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 50));
        await db.query(engine.select('1 AS one'));
        finished = true;
      });
      await until(() => started);
      await dbs.close({ timeoutMs: 5000 });
      await work;
      expect(finished).to.equal(true);
      const error = await db.query(engine.select('1 AS one')).catch((e: unknown) => e);
      expect(error).to.have.property('code', 'UNIPOOL_POOL_CLOSED');
      expect(db.stats().size).to.equal(0);
    });

    it('close() forces connections still out after timeoutMs', async () => {
      const { dbs, db } = openDatabase(engine);
      let release: (() => void) | undefined;
      const held = db.session(() => new Promise<void>((resolve) => (release = resolve))).catch((e: unknown) => e);
      await until(() => release !== undefined);
      await dbs.close({ timeoutMs: 50 });
      expect(db.stats().size).to.equal(0);
      release?.();
      await held;
      expect(db.stats().inUse).to.equal(0);
    });
  });
}
