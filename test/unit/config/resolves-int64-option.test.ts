import { expect } from 'chai';
import { ConfigError } from '../../../src/errors.js';
import { resolveConfig } from '../../../src/index.js';

describe('config: the int64 option', () => {
  it('passes the configured int64 to the adapter through the connection settings, for every engine', () => {
    for (const int64 of ['number', 'string', 'bigint'] as const) {
      const [pg, lite] = resolveConfig({
        default: { engine: 'postgres', url: 'postgres://u@h/d', int64 },
        cache: { engine: 'sqlite', database: ':memory:', int64 },
      });
      expect(pg?.connection.int64).to.equal(int64);
      expect(lite?.connection.int64).to.equal(int64);
    }
  });

  it('leaves it out when not set (the adapters default to "number")', () => {
    const [db] = resolveConfig({ default: { engine: 'mysql', url: 'mysql://u@h/d' } });
    expect(db?.connection.int64).to.equal(undefined);
    expect(Object.keys(db?.connection ?? {})).to.not.include('int64');
  });

  it('refuses any other value with the allowed ones', () => {
    let error: unknown;
    try {
      resolveConfig({ default: { engine: 'postgres', url: 'postgres://u@h/d', int64: 'float' } });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((issue) => issue.path)).to.deep.equal(['databases.default.int64']);
    expect(issues[0]?.message).to.include('"number"').and.include('"string"').and.include('"bigint"');
  });
});
