import { expect } from 'chai';
import { createDatabases, type DatabaseRegistry } from '../../../src/index.js';
import { parsePrometheusText, samplesOf } from '../../support/prometheus-parser.js';

describe('metrics: dbs.metrics()', () => {
  let dbs: DatabaseRegistry | undefined;
  afterEach(async () => {
    await dbs?.close();
    dbs = undefined;
  });

  it('exposes every pool of the registry, with counts that match its stats()', async () => {
    const registry = createDatabases({
      default: { engine: 'sqlite', database: ':memory:' },
      cache: { engine: 'sqlite', database: ':memory:' },
    });
    dbs = registry;
    for (let i = 0; i < 3; i++) await registry.default.query('SELECT ? AS n', [i]);
    await registry.cache.query('SELECT 1 AS n');

    const families = parsePrometheusText(registry.metrics());
    for (const db of [registry.default, registry.cache]) {
      const stats = db.stats();
      const pool = { pool: db.alias, engine: 'sqlite' };
      const count = (family: string): number | undefined => samplesOf(families, family, pool).find((s) => s.name === `${family}_count`)?.value;
      expect(count('db_client_connection_wait_time_seconds'), `${db.alias} waits`).to.equal(stats.acquired);
      expect(count('db_client_connection_use_time_seconds'), `${db.alias} holds`).to.equal(stats.released);
      expect(count('db_client_connection_create_time_seconds'), `${db.alias} creates`).to.equal(stats.created);
      expect(samplesOf(families, 'db_client_connection_count', { ...pool, state: 'idle' }).map((s) => s.value)).to.deep.equal([stats.idle]);
      expect(samplesOf(families, 'db_client_connection_max', pool).map((s) => s.value)).to.deep.equal([1]);
    }
    expect(registry.default.stats().acquired).to.equal(3);
    expect(registry.cache.stats().acquired).to.equal(1);
  });

  it('reports a connection in use while a session holds it', async () => {
    const registry = createDatabases({ default: { engine: 'sqlite', database: ':memory:' } });
    dbs = registry;
    await registry.default.session(async () => {
      await registry.default.query('SELECT 1 AS n');
      const families = parsePrometheusText(registry.metrics());
      expect(samplesOf(families, 'db_client_connection_count', { state: 'used' }).map((s) => s.value)).to.deep.equal([1]);
      expect(samplesOf(families, 'db_client_connection_count', { state: 'idle' }).map((s) => s.value)).to.deep.equal([0]);
    });
  });
});
