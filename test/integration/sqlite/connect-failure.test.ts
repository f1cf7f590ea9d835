import { expect } from 'chai';
import { createDatabases } from '../../../src/index.js';

describe('sqlite: a connect that keeps failing', () => {
  it('makes query() reject within acquireTimeoutMs with UNIPOOL_ACQUIRE_TIMEOUT whose cause is the connect error', async () => {
    const dbs = createDatabases({
      default: { engine: 'sqlite', database: '/nonexistent-dir-for-unipool/x.sqlite3', pool: { acquireTimeoutMs: 300 } },
    });
    try {
      const error = await dbs.default.query('SELECT 1').catch((e: unknown) => e);
      expect(error).to.have.property('code', 'UNIPOOL_ACQUIRE_TIMEOUT');
      expect((error as Error).message).to.match(/^unipool: timed out after 300 ms waiting for a connection from pool "default" \(size=0 inUse=0 idle=0 waiting=\d+\); last connect error: .*directory does not exist/);
      expect((error as Error).cause).to.be.instanceOf(Error);
      expect(((error as Error).cause as Error).message).to.contain('directory does not exist');
      expect(dbs.default.stats().errors).to.be.greaterThan(0);
    } finally {
      await dbs.close();
    }
  });
});
