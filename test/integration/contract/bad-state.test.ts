import * as diagnostics from 'node:diagnostics_channel';
import { expect } from 'chai';
import { ENGINES, sleep } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

const idOf = (rows: Record<string, unknown>[]): number => Number(Object.values(rows[0] ?? {})[0]);

for (const engine of ENGINES) {
  describe(`${engine.engine}: connections in a bad state`, () => {
    closeDatabasesAfterEach();

    it('evicts an idle connection the server killed, without an unhandled error, and serves the next query', async function () {
      if (engine.backendId === undefined || engine.kill === undefined) return void this.skip(); // no server to kill (SQLite)
      const uncaught: unknown[] = [];
      const onUncaught = (error: unknown): void => void uncaught.push(error);
      const reasons: string[] = [];
      const onDestroy = (message: unknown): void => void reasons.push((message as { reason: string }).reason);
      process.on('uncaughtException', onUncaught);
      try {
        const { db } = openDatabase(engine, { pool: { max: 1 } });
        const { db: killer } = openDatabase(engine);
        const before = idOf((await db.query(engine.backendId)).rows);
        await killer.query(engine.kill(before));
        await sleep(100);
        diagnostics.subscribe('unipool:destroy', onDestroy);
        const after = idOf((await db.query(engine.backendId)).rows);
        expect(after).to.not.equal(before);
        expect(db.stats().destroyed).to.equal(1);
        expect(reasons).to.deep.equal(['broken']);
        expect(uncaught).to.deep.equal([]);
      } finally {
        process.off('uncaughtException', onUncaught);
        diagnostics.unsubscribe('unipool:destroy', onDestroy);
      }
    });

    it('fails only the one query whose connection is killed mid-statement; the pool recovers', async function () {
      if (engine.backendId === undefined || engine.kill === undefined) return void this.skip();
      const { db } = openDatabase(engine, { pool: { max: 1 } });
      const { db: killer } = openDatabase(engine);
      let id = 0;
      const victim = db.session(async () => {
        id = idOf((await db.query(engine.backendId!)).rows);
        await db.query(engine.sleep(5));
      }).catch((e: unknown) => e);
      await sleep(300);
      await killer.query(engine.kill(id));
      const error = await victim;
      expect(error).to.be.instanceOf(Error);
      expect(db.stats().inUse).to.equal(0);
      expect(idOf((await db.query(engine.backendId)).rows)).to.not.equal(id);
    });

    it('never hands on a connection left in a transaction: the next borrower starts clean', async () => {
      const { dbs, db } = openDatabase(engine, { pool: { max: 1 } });
      if (db.capabilities.manualTransactions) {
        await dbs.scope(async () => {
          await db.query('BEGIN');
          await db.query('SELECT nonsense FROM no_such_table_here').catch(() => undefined);
        });
      } else {
        await db.session(() => db.query('SELECT nonsense FROM no_such_table_here')).catch(() => undefined);
      }
      // On the same (only) connection, a transaction-control statement must behave as outside a transaction.
      await db.atomic(() => db.query(engine.select('1 AS one')));
      expect(db.stats().inUse).to.equal(0);
    });
  });
}
