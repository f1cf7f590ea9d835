import { expect } from 'chai';
import type pg from 'pg';
import { createDatabases, type DatabaseConfig } from '../../../src/index.js';
import { engineUnderTest, eventually } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';
import { withDocsLink } from '../../support/docs-link.js';

// What a library (or an application) can get wrong with db.pgPool(), and the coded errors it gets.
describe('integrations: db.pgPool() refuses misuse with coded errors', () => {
  closeDatabasesAfterEach();
  const postgres = engineUnderTest('postgres');

  it('is UNIPOOL_UNSUPPORTED on a database that is not PostgreSQL', () => {
    const { db } = openDatabase(engineUnderTest('sqlite'));
    expect(() => db.pgPool()).to.throw('pgPool() needs engine "postgres", but this database\'s engine is "sqlite".').with.property('code', 'UNIPOOL_UNSUPPORTED');
  });

  it('refuses a client used after release(), without running anything', async () => {
    const { db } = openDatabase(postgres, { pool: { max: 1 } });
    const pool = db.pgPool<pg.Pool>();
    const client = await pool.connect();
    client.release();
    const next = await pool.connect();
    const error = await client.query('SELECT 1').catch((e: unknown) => e);
    expect(error).to.have.property('code', 'UNIPOOL_LEASE_RELEASED');
    expect((error as Error).message).to.equal(withDocsLink('UNIPOOL_LEASE_RELEASED', 'unipool: pool "default": a pgPool() client ran a query after release(); its connection may already serve someone else, so nothing was run. Call connect() again for a new client.'));
    const viaCallback = await new Promise<unknown>((resolve) => client.query('SELECT 1', (e: Error | undefined) => resolve(e)));
    expect(viaCallback).to.have.property('code', 'UNIPOOL_LEASE_RELEASED');
    next.release();
  });

  it('refuses a second release()', async () => {
    const { db } = openDatabase(postgres);
    const client = await db.pgPool<pg.Pool>().connect();
    client.release();
    expect(() => client.release()).to.throw('a pgPool() client was released after release()').with.property('code', 'UNIPOOL_LEASE_RELEASED');
    await eventually(() => db.stats().inUse === 0);
    expect(db.stats().released).to.equal(1);
  });

  it('reports a client never released through leak detection, with the stack that acquired it', async () => {
    const warnings: string[] = [];
    const dbs = createDatabases(
      { default: postgres.config({ pool: { leakDetectionMs: 50 } }) as unknown as DatabaseConfig },
      { logger: { warn: (message) => warnings.push(message) } },
    );
    try {
      const pool = dbs.default.pgPool<pg.Pool>();
      const client = await (async function acquiredByTheLibrary() {
        return pool.connect();
      })();
      await eventually(() => warnings.length > 0);
      expect(dbs.default.stats().leaks).to.equal(1);
      expect(warnings[0]).to.include('a connection has been checked out for').and.include('(leakDetectionMs=50); it was acquired at:');
      expect(warnings[0]).to.include('acquiredByTheLibrary');
      client.release();
    } finally {
      await dbs.close({ timeoutMs: 2000 });
    }
  });
});
