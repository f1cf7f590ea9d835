import { expect } from 'chai';
import { ENGINES, uniqueTable } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

for (const engine of ENGINES) {
  describe(`${engine.engine}: session`, () => {
    closeDatabasesAfterEach();

    it('pins one connection for the whole session and releases it after', async () => {
      const { db } = openDatabase(engine);
      const table = uniqueTable('sess');
      await db.session(async () => {
        await db.query(engine.createTemp(table));
        await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
        const { rows } = await db.query(`SELECT id FROM ${table}`);
        expect(rows).to.have.length(1);
        expect(db.stats().inUse).to.equal(1);
      });
      expect(db.stats().inUse).to.equal(0);
    });

    it('resets session state before the connection is reused', async () => {
      const { db } = openDatabase(engine, { pool: { max: 1 } });
      const table = uniqueTable('sessreset');
      await db.session(() => db.query(engine.createTemp(table)));
      // Same (only) connection, next borrower: the temp table must be gone.
      const error = await db.query(`SELECT * FROM ${table}`).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(Error);
      expect(db.stats().created).to.equal(1);
    });

    it('never hands a temp table created outside session() to the next borrower', async () => {
      const { db } = openDatabase(engine, { pool: { max: 1 } });
      const table = uniqueTable('leak');
      // Depending on the engine this is reset silently or refused with a coded error; either way it must not leak.
      const outcome = await db.query(engine.createTemp(table)).then(() => 'ok', (e: { code?: string }) => e.code);
      expect(outcome).to.be.oneOf(['ok', 'UNIPOOL_SESSION_STATE_OUTSIDE_SESSION']);
      const error = await db.query(`SELECT * FROM ${table}`).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(Error);
      expect(db.stats().inUse).to.equal(0);
    });

    it('reuses the held connection for a nested session() and atomic()', async () => {
      const { db } = openDatabase(engine);
      await db.session(async () => {
        await db.session(() => db.query(engine.select('1 AS one')));
        await db.atomic(() => db.query(engine.select('2 AS two')));
        expect(db.stats().size).to.equal(1);
        expect(db.stats().inUse).to.equal(1);
      });
    });

    it('rolls back a transaction left open at the end of a session', async () => {
      const { db } = openDatabase(engine, { pool: { max: 1 } });
      const table = uniqueTable('sesstx');
      await db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY)`);
      try {
        await db.session(async () => {
          await db.query(db.capabilities.manualTransactions ? 'BEGIN' : engine.select('1 AS one'));
          await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
        });
        const { rows } = await db.query(`SELECT id FROM ${table}`);
        expect(rows).to.have.length(db.capabilities.manualTransactions ? 0 : 1);
      } finally {
        await db.query(`DROP TABLE ${table}`);
      }
    });
  });
}
