import { expect } from 'chai';
import type { Database } from '../../../src/index.js';
import { ENGINES, uniqueTable, type EngineUnderTest } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

/**
 * Which connection a statement ran on: the server's id for it where there is a server; SQLite has
 * none, so there the pool's count of connections ever opened stands in (with `max: 1`, unchanged
 * means the same connection).
 */
async function connectionOf(engine: EngineUnderTest, db: Database): Promise<string> {
  if (engine.backendId === undefined) {
    await db.query(engine.select('1 AS one'));
    return `created=${db.stats().created}`;
  }
  const { rows } = await db.query(engine.backendId);
  return String(Object.values(rows[0] ?? {})[0]);
}

for (const engine of ENGINES) {
  describe(`${engine.engine}: a statement the server rejects keeps its connection`, () => {
    closeDatabasesAfterEach();

    async function expectKept(db: Database, run: () => Promise<unknown>): Promise<unknown> {
      const before = await connectionOf(engine, db);
      const destroyed = db.stats().destroyed;
      const error = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, 'the statement should have been rejected').to.be.instanceOf(Error);
      expect((error as { code?: unknown }).code).to.not.equal('UNIPOOL_CONNECTION_BROKEN');
      expect(db.stats().destroyed).to.equal(destroyed);
      expect(await connectionOf(engine, db)).to.equal(before);
      expect(db.stats().inUse).to.equal(0);
      return error;
    }

    it('wrong parameter count: the driver error, same connection afterwards', async () => {
      const { db } = openDatabase(engine, { pool: { max: 1 } });
      const error = await expectKept(db, () => db.query(engine.select(`${engine.p(1)} AS a, ${engine.p(2)} AS b`), [1]));
      // SQLite counts the values before running (better-sqlite3's RangeError becomes
      // UNIPOOL_INVALID_ARGUMENT); the server engines answer with their own error code.
      if (engine.engine === 'sqlite') expect((error as { code?: unknown }).code).to.equal('UNIPOOL_INVALID_ARGUMENT');
      else expect((error as { code?: unknown }).code).to.be.a('string').and.not.match(/^UNIPOOL_/);
    });

    // $n::type casts are PostgreSQL syntax; this is the case from the bug report.
    if (engine.engine === 'postgres') it('typed parameters with one value short: SQLSTATE 08P01 passed through, same connection', async () => {
      const { db } = openDatabase(engine, { pool: { max: 1 } });
      const error = await expectKept(db, () => db.query('SELECT $1::int + $2::int AS s', [1]));
      expect((error as { code?: unknown }).code).to.equal('08P01');
    });

    it('syntax error: the driver error, same connection afterwards', async () => {
      const { db } = openDatabase(engine, { pool: { max: 1 } });
      const error = await expectKept(db, () => db.query('SELEC 1'));
      expect((error as { code?: unknown }).code).to.be.a('string').and.not.match(/^UNIPOOL_/);
    });

    it('constraint violation: the driver error, same connection afterwards', async () => {
      const { db } = openDatabase(engine, { pool: { max: 1 } });
      const table = uniqueTable('rejected');
      await db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY)`);
      try {
        await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
        const error = await expectKept(db, () => db.query(`INSERT INTO ${table} (id) VALUES (1)`));
        expect((error as { code?: unknown }).code).to.be.a('string').and.not.match(/^UNIPOOL_/);
        expect((await db.query(`SELECT id FROM ${table}`)).rows).to.have.length(1);
      } finally {
        await db.query(`DROP TABLE ${table}`);
      }
    });
  });
}
