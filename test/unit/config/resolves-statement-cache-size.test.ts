import { expect } from 'chai';
import { ConfigError, resolveConfig } from '../../../src/index.js';

describe('config: statementCacheSize', () => {
  it('is left to the engine when absent, and kept as given (0 = off)', () => {
    const [absent] = resolveConfig({ default: { engine: 'sqlite', database: ':memory:' } });
    expect(absent?.statementCacheSize).to.equal(undefined);
    const [off] = resolveConfig({ default: { engine: 'postgres', url: 'postgres://u@h/d', statementCacheSize: 0 } });
    expect(off?.statementCacheSize).to.equal(0);
    const [big] = resolveConfig({ default: { engine: 'mysql', url: 'mysql://u@h/d', statementCacheSize: 500 } });
    expect(big?.statementCacheSize).to.equal(500);
  });

  it('rejects a negative or fractional size with its path', () => {
    for (const statementCacheSize of [-1, 1.5, '10']) {
      let error: unknown;
      try {
        resolveConfig({ default: { engine: 'sqlite', database: ':memory:', statementCacheSize } });
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).message).to.contain('databases.default.statementCacheSize');
    }
  });
});

describe('config: pipeline', () => {
  it('is on when absent and kept as given', () => {
    const [absent] = resolveConfig({ default: { engine: 'postgres', url: 'postgres://u@h/d' } });
    expect(absent?.pipeline).to.equal(true);
    const [off] = resolveConfig({ default: { engine: 'postgres', url: 'postgres://u@h/d', pipeline: false } });
    expect(off?.pipeline).to.equal(false);
    // Accepted on every engine (one config shape); only PostgreSQL pipelines.
    const [sqlite] = resolveConfig({ default: { engine: 'sqlite', database: ':memory:', pipeline: true } });
    expect(sqlite?.pipeline).to.equal(true);
  });

  it('rejects a value that is not a boolean with its path', () => {
    let error: unknown;
    try {
      resolveConfig({ default: { engine: 'postgres', url: 'postgres://u@h/d', pipeline: 'false' } });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).message).to.contain('databases.default.pipeline');
  });
});
