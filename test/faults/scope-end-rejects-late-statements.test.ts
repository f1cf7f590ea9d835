import { expect } from 'chai';
import { engineUnderTest, uniqueTable } from '../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../support/open-database.js';
import { errorKind, report } from './support/outcomes.js';
import { pause } from './support/pool-invariants.js';

/**
 * Found by the soak (keeps-invariants-under-soak.test.ts, operation `scopeTransaction`): a request
 * whose scope ends inside a manual transaction — a client abort ends the scope of dbs.middleware()
 * while the handler runs — and whose handler goes on with statements *while the scope's end waits for
 * a statement still in flight*. (Core fix proposed in .tmp/core-bugs/scope-end-window-autocommits.md.)
 */
for (const name of ['postgres', 'mysql'] as const) {
  describe(`${name}: statements a request runs after its scope ended`, () => {
    closeDatabasesAfterEach();
    const engine = engineUnderTest(name);

    it('fail with UNIPOOL_TX_ENDED even while the scope still waits for a statement in flight, and nothing of the transaction is stored', async () => {
      const { dbs, db } = openDatabase(engine, { pool: { max: 3 } });
      const table = uniqueTable('faults_scope_late');
      await db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY)`);
      try {
        const insert = `INSERT INTO ${table} (id) VALUES (${engine.p(1)})`;
        let inFlight: Promise<unknown> = Promise.resolve();
        let late: Promise<unknown> = Promise.resolve();
        await dbs.scope(async () => {
          await db.query('BEGIN');
          await db.query(insert, [1]);
          // Still running when the scope ends: the scope's end waits for it before rolling back.
          inFlight = db.query(name === 'postgres' ? 'SELECT pg_sleep(0.3)' : 'SELECT SLEEP(0.3)').catch((error: unknown) => error);
          // The handler goes on after the scope has ended, while that wait is under way.
          late = (async () => {
            await pause(50);
            await db.query(insert, [2]);
            await db.query('COMMIT');
          })().then(
            () => null,
            (error: unknown) => error,
          );
        });
        const lateError = await late;
        await inFlight;
        const { rows } = await db.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`);
        const stored = rows.map((row) => Number(row.id));
        report(name, 'scope-end-late-statement', { lateFailedWith: lateError === null ? 'nothing (it ran)' : errorKind(lateError), stored: `[${stored.join(',')}]` });
        expect(stored, 'rows of the transaction the scope rolled back').to.deep.equal([]);
        expect(errorKind(lateError)).to.equal('UNIPOOL_TX_ENDED');
        expect(db.stats().inUse).to.equal(0);
      } finally {
        await db.query(`DROP TABLE ${table}`);
      }
    });
  });
}
