import { expect } from 'chai';
import { createDatabases } from '../../../src/index.js';

describe('sqlite: :memory: databases are one connection', () => {
  it('keeps the data across queries and atomics because every statement uses the one connection', async () => {
    const dbs = createDatabases({ default: { engine: 'sqlite', database: ':memory:' } });
    try {
      const db = dbs.default;
      expect(db.stats().max).to.equal(1);
      await db.query('CREATE TABLE t (id INTEGER PRIMARY KEY)');
      await Promise.all([1, 2, 3].map((id) => db.atomic(() => db.query('INSERT INTO t (id) VALUES (?)', [id]))));
      const { rows } = await db.query('SELECT count(*) AS n FROM t');
      expect(rows[0]).to.deep.equal({ n: 3 });
      expect(db.stats().created).to.equal(1);
    } finally {
      await dbs.close();
    }
  });
});
