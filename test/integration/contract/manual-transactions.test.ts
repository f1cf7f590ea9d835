import { expect } from 'chai';
import { withDocsLink } from '../../support/docs-link.js';
import { ENGINES, uniqueTable } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';
import type { Database } from '../../../src/index.js';

for (const engine of ENGINES) {
  describe(`${engine.engine}: manual transactions`, function () {
    closeDatabasesAfterEach();
    let table: string;

    // Engines whose transactions begin implicitly (Oracle) declare manualTransactions: false; those
    // tests are reported as skipped "not supported by capability".
    beforeEach(() => {
      table = uniqueTable('manual');
    });

    async function withTable(db: Database, body: () => Promise<void>): Promise<void> {
      await db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY)`);
      try {
        await body();
      } finally {
        await db.query(`DROP TABLE ${table}`);
      }
    }

    it('outside any scope: rolls back, releases and throws UNIPOOL_TX_OUTSIDE_SCOPE', async function () {
      const { db } = openDatabase(engine);
      if (!db.capabilities.manualTransactions) return void this.skip();
      await withTable(db, async () => {
        const error = await db.query('BEGIN').catch((e: unknown) => e);
        expect(error).to.have.property('code', 'UNIPOOL_TX_OUTSIDE_SCOPE');
        expect((error as Error).message).to.equal(
          withDocsLink('UNIPOOL_TX_OUTSIDE_SCOPE', 'unipool: pool "default": the statement left a transaction open outside any scope, so the next query could not reach the same connection; it was rolled back. Use db.atomic(async () => { … }) for transactions, or run the code inside dbs.scope()/dbs.middleware().'),
        );
        expect(db.stats().inUse).to.equal(0);
        expect((await db.query(`INSERT INTO ${table} (id) VALUES (1)`)).rowCount).to.equal(1);
      });
    });

    it('inside a scope: holds the connection from BEGIN until COMMIT', async function () {
      const { dbs, db } = openDatabase(engine);
      if (!db.capabilities.manualTransactions) return void this.skip();
      await withTable(db, async () => {
        await dbs.scope(async () => {
          await db.query('BEGIN');
          expect(db.stats().inUse).to.equal(1);
          await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
          expect(db.stats().inUse).to.equal(1);
          await db.query('COMMIT');
          expect(db.stats().inUse).to.equal(0);
        });
        const { rows } = await db.query(`SELECT id FROM ${table}`);
        expect(rows).to.have.length(1);
      });
    });

    it('inside a scope: rolls back a transaction still open when the scope ends', async function () {
      const { dbs, db } = openDatabase(engine);
      if (!db.capabilities.manualTransactions) return void this.skip();
      const warnings: string[] = [];
      const onWarning = (w: Error): void => void warnings.push(w.message);
      process.on('warning', onWarning);
      try {
        await withTable(db, async () => {
          await dbs.scope(async () => {
            await db.query('BEGIN');
            await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
          });
          expect(db.stats().inUse).to.equal(0);
          const { rows } = await db.query(`SELECT id FROM ${table}`);
          expect(rows).to.have.length(0);
        });
        await new Promise((resolve) => setImmediate(resolve));
        expect(warnings).to.include('unipool: pool "default": a scope ended inside a manual transaction; it was rolled back');
      } finally {
        process.off('warning', onWarning);
      }
    });

    it('refuses atomic() inside an open manual transaction', async function () {
      const { dbs, db } = openDatabase(engine);
      if (!db.capabilities.manualTransactions) return void this.skip();
      await dbs.scope(async () => {
        await db.query('BEGIN');
        const error = await db.atomic(async () => undefined).catch((e: unknown) => e);
        expect(error).to.have.property('code', 'UNIPOOL_TX_MANUAL_ACTIVE');
        await db.query('ROLLBACK');
      });
      expect(db.stats().inUse).to.equal(0);
    });
  });
}
