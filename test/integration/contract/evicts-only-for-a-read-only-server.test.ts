import { expect } from 'chai';
import { createDatabases } from '../../../src/index.js';
import { ENGINES } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

/** The code a write inside a read-only transaction fails with, per engine. */
const READ_ONLY_TRANSACTION_CODE: Readonly<Record<string, string>> = { postgres: '25006', mysql: 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION' };

for (const engine of ENGINES.filter((e) => e.engine === 'postgres' || e.engine === 'mysql')) {
  describe(`${engine.engine}: read-only errors evict connections only when the server is read-only`, () => {
    closeDatabasesAfterEach();
    const table = `hosts_ro_${engine.engine}`;

    before(async () => {
      const dbs = createDatabases({ default: engine.config() as never });
      await dbs.default.query(`CREATE TABLE IF NOT EXISTS ${table} (id INTEGER PRIMARY KEY)`);
      await dbs.close();
    });
    after(async () => {
      const dbs = createDatabases({ default: engine.config() as never });
      await dbs.default.query(`DROP TABLE IF EXISTS ${table}`);
      await dbs.close();
    });

    it('a write in atomic({ readOnly: true }) fails as the server says, and no connection is closed', async () => {
      const { db } = openDatabase(engine, { pool: { max: 3 } });
      // Three connections open and idle.
      await Promise.all([1, 2, 3].map(() => db.atomic(() => db.query(engine.sleep(0.05)))));
      expect(db.stats()).to.include({ size: 3, destroyed: 0 });
      let caught: unknown;
      try {
        await db.atomic({ readOnly: true }, () => db.query(`INSERT INTO ${table} (id) VALUES (${engine.p(1)})`, [1]));
      } catch (error) {
        caught = error;
      }
      expect((caught as { code?: string }).code).to.equal(READ_ONLY_TRANSACTION_CODE[engine.engine]);
      expect((caught as Error).message).not.to.include('read-only now');
      expect(db.stats()).to.include({ size: 3, destroyed: 0 });
      // Writes still work on the same connections.
      await db.query(`INSERT INTO ${table} (id) VALUES (${engine.p(1)})`, [2]);
      expect(db.stats()).to.include({ size: 3, destroyed: 0 });
    });

    if (engine.engine === 'postgres') {
      describe('a role whose sessions are read-only by default (what a fenced server looks like to a session)', () => {
        const role = 'hosts_readonly_role';
        before(async () => {
          const dbs = createDatabases({ default: engine.config() as never });
          await dbs.default.query(`DROP ROLE IF EXISTS ${role}`);
          await dbs.default.query(`CREATE ROLE ${role} LOGIN`);
          await dbs.default.query(`ALTER ROLE ${role} SET default_transaction_read_only = on`);
          await dbs.default.query(`GRANT INSERT, SELECT ON ${table} TO ${role}`);
          await dbs.close();
        });
        after(async () => {
          const dbs = createDatabases({ default: engine.config() as never });
          await dbs.default.query(`REVOKE ALL ON ${table} FROM ${role}`);
          await dbs.default.query(`DROP ROLE IF EXISTS ${role}`);
          await dbs.close();
        });

        it('a write fails with 25006 and a hint; every connection to the server is closed', async () => {
          const { db } = openDatabase(engine, { url: `postgres://${role}@127.0.0.1:5432/test`, pool: { max: 3 } });
          await Promise.all([1, 2, 3].map(() => db.atomic(() => db.query(engine.sleep(0.05)))));
          expect(db.stats()).to.include({ size: 3, destroyed: 0 });
          let caught: unknown;
          try {
            await db.query(`INSERT INTO ${table} (id) VALUES ($1)`, [3]);
          } catch (error) {
            caught = error;
          }
          expect((caught as { code?: string }).code).to.equal('25006');
          expect((caught as Error).message).to.match(/^cannot execute INSERT in a read-only transaction \(unipool: the server 127\.0\.0\.1:5432 is read-only now — .* retrying is safe\.\)$/);
          expect((caught as Error).stack?.split('\n')[0], 'the stack shows the hint too').to.include('is read-only now');
          // The failing connection is destroyed at once; the two idle ones when next lent.
          expect(db.stats().destroyed).to.equal(1);
          await Promise.all([1, 2, 3].map(() => db.atomic(() => db.query(engine.sleep(0.05)))));
          expect(db.stats().destroyed).to.equal(3);
        });

        it('a database that asked for a read-only server keeps its connections', async () => {
          const { db } = openDatabase(engine, { url: `postgres://${role}@127.0.0.1:5432/test?target_session_attrs=read-only`, pool: { max: 2 } });
          await db.query('SELECT 1');
          let caught: unknown;
          try {
            await db.query(`INSERT INTO ${table} (id) VALUES ($1)`, [4]);
          } catch (error) {
            caught = error;
          }
          expect((caught as { code?: string }).code).to.equal('25006');
          expect((caught as Error).message).not.to.include('read-only now');
          expect(db.stats().destroyed).to.equal(0);
        });
      });
    }
  });
}
