import { expect } from 'chai';
import { ENGINES } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

for (const engine of ENGINES) {
  describe(`${engine.engine}: release as soon as possible`, () => {
    closeDatabasesAfterEach();

    it('has the connection back in the pool by the time query() resolves', async () => {
      const { db } = openDatabase(engine);
      await db.query(engine.select('1 AS one'));
      const stats = db.stats();
      expect(stats.inUse).to.equal(0);
      expect(stats.idle).to.equal(1);
      expect(stats.acquired).to.equal(stats.released);
    });

    it('serves many concurrent queries with few connections when each is released at once', async () => {
      const { db } = openDatabase(engine, { pool: { max: 2 } });
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => db.query(engine.select(`${i} AS i`))));
      expect(results).to.have.length(40);
      expect(db.stats().size).to.be.at.most(2);
      expect(db.stats().inUse).to.equal(0);
    });

    it('releases after a failing query without destroying the healthy connection', async () => {
      const { db } = openDatabase(engine);
      await db.query(engine.select('1 AS one'));
      await db.query('SELECT nonsense FROM nowhere_at_all').catch(() => undefined);
      const stats = db.stats();
      expect(stats.inUse).to.equal(0);
      expect(stats.destroyed).to.equal(0);
      expect(stats.created).to.equal(1);
    });

    it('in release: "request" mode, holds one connection for the whole scope', async () => {
      const { dbs, db } = openDatabase(engine, { release: 'request' });
      await dbs.scope(async () => {
        await db.query(engine.select('1 AS one'));
        expect(db.stats().inUse).to.equal(1);
        await db.query(engine.select('2 AS two'));
        expect(db.stats().acquired).to.equal(1);
      });
      expect(db.stats().inUse).to.equal(0);
    });

    it('in release: "asap" mode, releases after each query even inside a scope', async () => {
      const { dbs, db } = openDatabase(engine);
      await dbs.scope(async () => {
        await db.query(engine.select('1 AS one'));
        expect(db.stats().inUse).to.equal(0);
      });
    });
  });
}
