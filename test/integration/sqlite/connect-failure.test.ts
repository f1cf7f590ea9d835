import { expect } from 'chai';
import { createDatabases } from '../../../src/index.js';

describe('sqlite: a connect that keeps failing', () => {
  it('makes query() reject at once with UNIPOOL_CONNECT_FAILED whose cause is the open error (retrying cannot create a directory)', async () => {
    const dbs = createDatabases({
      default: { engine: 'sqlite', database: '/nonexistent-dir-for-unipool/x.sqlite3', pool: { acquireTimeoutMs: 20_000 } },
    });
    try {
      const startedAt = performance.now();
      const errors = await Promise.all(Array.from({ length: 5 }, () => dbs.default.query('SELECT 1').catch((e: unknown) => e)));
      // A bound far below acquireTimeoutMs, not a timing measurement.
      expect(performance.now() - startedAt).to.be.below(5000);
      for (const error of errors) {
        expect(error).to.have.property('code', 'UNIPOOL_CONNECT_FAILED');
        expect((error as Error).message).to.match(/^unipool: pool "default" could not open a connection: .*directory does not exist.* Retrying cannot fix this/);
        expect(((error as Error).cause as Error).message).to.contain('directory does not exist');
      }
      expect(dbs.default.stats().errors).to.be.greaterThan(0);
      expect(dbs.default.stats().timeouts).to.equal(0);
    } finally {
      await dbs.close();
    }
  });
});
