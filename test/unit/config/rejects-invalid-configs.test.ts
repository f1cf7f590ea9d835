import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { validateConfig } from '../../../src/config/validate-config.js';
import { ConfigError, type ConfigIssue } from '../../../src/errors.js';

const dir = new URL('../../fixtures/configs/invalid/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected-issues.json', dir), 'utf8')) as Record<string, ConfigIssue[]>;
const fixtures = readdirSync(dir)
  .filter((file) => file.endsWith('.json') && file !== 'expected-issues.json')
  .sort();

function load(file: string): unknown {
  return JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as unknown;
}

function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('invalid configs (test/fixtures/configs/invalid)', () => {
  it('has at least 30 fixtures, each with its expected problems and none without a fixture', () => {
    expect(fixtures.length).to.be.at.least(30);
    expect(Object.keys(expected).sort()).to.deep.equal(fixtures);
    for (const file of fixtures) expect(expected[file], file).to.have.length.greaterThan(0);
  });

  for (const file of fixtures) {
    it(`${file}: lists exactly the expected paths and messages, and resolveConfig throws them`, () => {
      const { valid, issues } = validateConfig(load(file));
      expect(valid).to.equal(false);
      expect(issues).to.deep.equal(expected[file]);
      const error = thrown(() => resolveConfig(load(file)));
      expect(error.code).to.equal('UNIPOOL_CONFIG_INVALID');
      expect(error.issues).to.deep.equal(expected[file]);
      for (const issue of issues) expect(error.message).to.include(`  - ${issue.path}: ${issue.message}`);
    });
  }
});

describe('messages pinned by the design', () => {
  const issuesOf = (pool: Record<string, unknown>): string[] =>
    validateConfig({ default: { engine: 'postgres', host: 'db', pool } }).issues.map((issue) => `${issue.path}: ${issue.message}`);

  it('max 0', () => {
    expect(issuesOf({ max: 0 })).to.deep.equal(['databases.default.pool.max: must be ≥ 1, got 0']);
  });

  it('an unknown pool option with a did-you-mean', () => {
    expect(issuesOf({ maxConnections: 5 })).to.deep.equal(['databases.default.pool.maxConnections: unknown option "maxConnections" — did you mean "max"?']);
  });

  it('a number written as a string is not coerced', () => {
    expect(issuesOf({ max: '10' })).to.deep.equal(['databases.default.pool.max: must be an integer, got "10"']);
  });

  it('lists every problem, not just the first', () => {
    expect(issuesOf({ max: 0, min: -1, order: 'random', acquireTimeoutMs: 1.5 })).to.have.length(4);
  });
});

describe('invalid inputs that JSON cannot express', () => {
  const messages = (input: unknown): string[] => validateConfig(input).issues.map((issue) => `${issue.path}: ${issue.message}`);

  it('url: undefined (an unset environment variable) gets the environment hint', () => {
    expect(messages({ default: { engine: 'postgres', url: undefined } })).to.deep.equal([
      'databases.default.url: must be a string, got undefined — is the environment variable set?',
    ]);
  });

  it('host: undefined gets the same hint', () => {
    expect(messages({ default: { engine: 'mysql', host: undefined, database: 'x' } })).to.deep.equal([
      'databases.default.host: must be a string, got undefined — is the environment variable set?',
    ]);
  });

  it('sqlite database: undefined gets the same hint', () => {
    expect(messages({ default: { engine: 'sqlite', database: undefined } })).to.deep.equal([
      'databases.default.database: must be a string, got undefined — is the environment variable set?',
    ]);
  });

  it('url: undefined next to a host is simply absent', () => {
    expect(validateConfig({ default: { engine: 'postgres', url: undefined, host: 'db' } }).valid).to.equal(true);
  });

  it('engine: undefined is missing', () => {
    expect(messages({ default: { engine: undefined, database: ':memory:' } })).to.deep.equal([
      'databases.default.engine: is required — one of "postgres", "mysql", "sqlite", "oracle"',
    ]);
  });

  it('NaN, Infinity, bigint, a function, a symbol and a Date are reported by kind or value', () => {
    expect(
      messages({
        default: {
          engine: 'sqlite',
          database: ':memory:',
          release: Symbol('asap'),
          options: () => ({}),
          pool: { min: Number.NaN, max: Infinity, maxUses: 10n, idleTimeoutMs: new Date(0) },
        },
      }),
    ).to.deep.equal([
      'databases.default.options: must be an object, got a function',
      'databases.default.release: must be one of "asap", "request", got a symbol',
      'databases.default.pool.min: must be an integer, got NaN',
      'databases.default.pool.max: must be an integer, got Infinity',
      'databases.default.pool.idleTimeoutMs: must be an integer, got an object (Date)',
      'databases.default.pool.maxUses: must be an integer, got 10n',
    ]);
  });

  it('a getter that throws is a problem at its path, not a crash', () => {
    const database = {
      engine: 'sqlite',
      get database(): string {
        throw new Error('vault unavailable');
      },
    };
    expect(messages({ default: database })).to.deep.equal([
      'databases.default.database: could not be read: Error: vault unavailable — pass plain data (no getters that throw, no proxies)',
    ]);
  });

  it('a proxy whose traps throw is a problem at its path', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys for you');
        },
      },
    );
    expect(messages({ default: { engine: 'sqlite', database: ':memory:', pool: hostile } })).to.deep.equal([
      'databases.default.pool: could not be read: Error: no keys for you — pass plain data (no getters that throw, no proxies)',
    ]);
  });

  it('a revoked proxy is a problem, not a TypeError', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const issues = messages({ default: proxy });
    expect(issues).to.have.length(1);
    expect(issues[0]).to.match(/^databases\.default: could not be read: TypeError: /);
  });
});
