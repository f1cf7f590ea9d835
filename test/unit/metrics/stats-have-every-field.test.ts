import { expect } from 'chai';
import { createDatabases, type DatabaseRegistry } from '../../../src/index.js';

const SUMMARY_KEYS = ['count', 'p50', 'p95', 'p99', 'max'];

describe('metrics: db.stats()', () => {
  let dbs: DatabaseRegistry | undefined;
  afterEach(async () => {
    await dbs?.close();
    dbs = undefined;
  });

  it('has exactly the documented fields, counting what the pool did', async () => {
    const registry = createDatabases({ default: { engine: 'sqlite', database: ':memory:' }, reports: { engine: 'sqlite', database: ':memory:', pool: { min: 0 } } });
    dbs = registry;
    const db = registry.reports;
    await db.query('SELECT 1 AS n');
    await db.atomic(async () => {
      await db.query('SELECT 2 AS n');
    });
    await db.query('SELECT nope').catch(() => undefined);

    const stats = db.stats();
    expect(Object.keys(stats).sort()).to.deep.equal(
      ['alias', 'engine', 'role', 'size', 'idle', 'inUse', 'waiting', 'min', 'max', 'acquired', 'released', 'created', 'destroyed', 'timeouts', 'rejected', 'errors', 'leaks', 'waitMs', 'holdMs', 'createMs'].sort(),
    );
    for (const key of ['waitMs', 'holdMs', 'createMs'] as const) expect(Object.keys(stats[key]).sort(), key).to.deep.equal([...SUMMARY_KEYS].sort());
    expect(stats).to.include({ alias: 'reports', engine: 'sqlite', role: 'primary', size: 1, idle: 1, inUse: 0, waiting: 0, min: 0, max: 1 });
    expect(stats).to.include({ acquired: 3, released: 3, created: 1, destroyed: 0, timeouts: 0, rejected: 0, errors: 0, leaks: 0 });
    expect(stats.waitMs.count).to.equal(3);
    expect(stats.holdMs.count).to.equal(3);
    expect(stats.createMs.count).to.equal(1);
    expect(stats.holdMs.max).to.be.at.least(stats.holdMs.p50);
  });

  it('counts rejected acquires after close', async () => {
    const registry = createDatabases({ default: { engine: 'sqlite', database: ':memory:' } });
    dbs = registry;
    await registry.close();
    await registry.default.query('SELECT 1').catch(() => undefined);
    expect(registry.default.stats().rejected).to.equal(1);
  });
});
