import { expect } from 'chai';
import fc from 'fast-check';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { validateConfig } from '../../../src/config/validate-config.js';
import { ConfigError } from '../../../src/errors.js';

/** resolveConfig either returns or throws a ConfigError — nothing else, ever. */
function outcome(input: unknown): 'valid' | 'invalid' {
  try {
    resolveConfig(input);
    return 'valid';
  } catch (error) {
    if (error instanceof ConfigError) {
      expect(error.issues.length).to.be.greaterThan(0);
      // The catch-all in analyzeConfig turns internal crashes into this issue; it must never be needed.
      for (const issue of error.issues) expect(issue.message).to.not.include('this is a bug in unipool');
      return 'invalid';
    }
    throw error;
  }
}

const circular: Record<string, unknown> = { engine: 'sqlite', database: ':memory:' };
circular['pool'] = circular;
const circularRoot: Record<string, unknown> = {};
circularRoot['default'] = circularRoot;

describe('never a TypeError', () => {
  const hostile: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a string', 'postgres://db/app'],
    ['an array', [{ engine: 'sqlite' }]],
    ['a function', () => ({})],
    ['a symbol', Symbol('config')],
    ['a bigint', 10n],
    ['a Map', new Map([['default', { engine: 'sqlite', database: ':memory:' }]])],
    ['a null-prototype object', Object.assign(Object.create(null) as object, { default: { engine: 'sqlite', database: ':memory:' } })],
    ['a circular database', { default: circular }],
    ['a circular root', circularRoot],
    ['a __proto__ alias', JSON.parse('{"__proto__": {"engine": "sqlite"}}') as unknown],
    ['a __proto__ pool option', JSON.parse('{"default": {"engine": "sqlite", "database": "x", "pool": {"__proto__": {"max": 0}}}}') as unknown],
    ['getters everywhere', { get default(): unknown { throw new TypeError('nope'); } }],
    ['a throwing proxy root', new Proxy({}, { ownKeys: () => { throw new RangeError('x'); } })],
    ['a proxy that lies about keys', new Proxy({}, { ownKeys: () => ['default'], getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }) })],
    ['a throwing toString in a thrown error', { default: { get engine(): unknown { throw { toString: () => { throw new Error('worse'); } }; } } }],
  ];
  for (const [name, input] of hostile) {
    const expected = name === 'a null-prototype object' ? 'valid' : 'invalid';
    it(`${name} is ${expected}, without a TypeError`, () => {
      expect(outcome(input)).to.equal(expected);
      expect(validateConfig(input).valid).to.equal(expected === 'valid');
    });
  }

  it('any value at all (property-based)', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true }), (input) => {
        outcome(input);
      }),
      { numRuns: 300 },
    );
  });

  it('anything shaped roughly like a config (property-based)', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.object());
    const pool = fc.dictionary(fc.constantFrom('min', 'max', 'acquireTimeoutMs', 'maxWaiting', 'idleTimeoutMs', 'order', 'maxUses', 'bogus'), value);
    const database = fc.record(
      {
        engine: fc.constantFrom('postgres', 'mysql', 'sqlite', 'oracle', 'pg', 1),
        url: fc.oneof(fc.webUrl(), fc.string(), fc.constantFrom('sqlite::memory:', 'postgres://u:p@h/d', 'mysql://h:0/x', 'oracle://h/s?ssl=maybe')),
        host: value,
        port: value,
        database: fc.oneof(fc.string(), fc.constant(':memory:')),
        password: value,
        ssl: value,
        options: value,
        release: fc.constantFrom('asap', 'request', 'never'),
        pool: fc.oneof(pool, value),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('default', 'reports', 'my-db', 'close', '$schema'), fc.oneof(database, value)), (input) => {
        outcome(input);
      }),
      { numRuns: 500 },
    );
  });
});
