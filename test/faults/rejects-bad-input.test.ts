import { expect } from 'chai';
import fc from 'fast-check';
import { createDatabases, UnipoolError, type DatabaseConfig, type DatabasesConfig } from '../../src/index.js';
import { ENGINES, engineUnderTest } from '../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../support/open-database.js';
import { describeOutcome, isAllowed, oddValue, outcomeOf, type Outcome } from './support/bad-input.js';
import { report } from './support/outcomes.js';
import { expectQuiet } from './support/pool-invariants.js';
import { guardProcess } from './support/process-guard.js';

const RUNS = 200;
/** Engines the API properties run on: every configured one (PostgreSQL, MariaDB, SQLite at least). */
const API_ENGINES = ENGINES.filter((e) => e.engine !== 'oracle');

/** Tallies outcomes by kind for the report line. */
function tally(outcomes: readonly Outcome[]): string {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) {
    const key = outcome.kind === 'unipool' || outcome.kind === 'server' ? `${outcome.kind}` : outcome.kind;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([kind, count]) => `${kind}:${count}`).join(',');
}

const engineName = fc.oneof(fc.constantFrom('postgres', 'mysql', 'sqlite', 'oracle', 'mariadb', ''), oddValue);
const poolBlock = fc.oneof(
  oddValue,
  fc.dictionary(
    fc.constantFrom('min', 'max', 'acquireTimeoutMs', 'maxWaiting', 'idleTimeoutMs', 'maxLifetimeMs', 'maxUses', 'validateAfterIdleMs', 'connectTimeoutMs', 'order', 'leakDetectionMs', 'maxConnections', '__proto__', 'constructor'),
    fc.oneof(fc.integer(), fc.double(), oddValue),
  ),
);
const databaseBlock = fc.dictionary(
  fc.constantFrom('engine', 'url', 'host', 'port', 'database', 'user', 'password', 'ssl', 'options', 'release', 'pool', '$schema', '__proto__'),
  fc.oneof(engineName, poolBlock, oddValue, fc.constantFrom('postgres://u:p@h/db', 'mysql://h:99999/x', 'sqlite::memory:', 'sqlite:', 'oracle://h/s', 'postgres://%zz@h/d', 'postgres://h/d?sslmode=require&sslmode=disable')),
);
const anyConfig = fc.oneof(oddValue, fc.dictionary(fc.oneof(fc.constantFrom('default', 'get', 'close', '$schema', '__proto__', 'constructor', '0a'), fc.string()), fc.oneof(databaseBlock, oddValue)));

describe('bad input: configs', () => {
  const guard = guardProcess();

  it(`createDatabases() of ${RUNS * 5} arbitrary configs either builds the pools or throws a UnipoolError`, async () => {
    const outcomes: Outcome[] = [];
    const built: Array<Promise<void>> = [];
    fc.assert(
      fc.property(anyConfig, (config) => {
        let outcome: Outcome;
        try {
          const dbs = createDatabases(config as DatabasesConfig);
          built.push(dbs.close({ timeoutMs: 0 }));
          outcome = { kind: 'ok' };
        } catch (error) {
          outcome = error instanceof UnipoolError ? { kind: 'unipool', code: error.code } : { kind: 'other', error };
        }
        outcomes.push(outcome);
        return outcome.kind === 'ok' || outcome.kind === 'unipool' ? true : (() => { throw new Error(describeOutcome(outcome)); })();
      }),
      { numRuns: RUNS * 5 },
    );
    await Promise.all(built);
    report('all', 'bad-config', { cases: outcomes.length, outcomes: tally(outcomes), uncaught: guard.caught.length });
    expect(guard.caught, guard.describe()).to.deep.equal([]);
  });
});

for (const engine of API_ENGINES) {
  describe(`${engine.engine}: bad input to the public API`, function () {
    this.timeout(120_000);
    const guard = guardProcess();
    closeDatabasesAfterEach();

    /** Runs `property` RUNS times against one pool and checks the pool is quiet afterwards. */
    async function check<T>(name: string, arbitrary: fc.Arbitrary<T>, call: (value: T, api: ReturnType<typeof openDatabase>) => unknown): Promise<void> {
      const api = openDatabase(engine, { pool: { max: 2, acquireTimeoutMs: 3000 } });
      const outcomes: Outcome[] = [];
      await fc.assert(
        fc.asyncProperty(arbitrary, async (value) => {
          const outcome = await outcomeOf(() => call(value, api));
          outcomes.push(outcome);
          if (!isAllowed(outcome)) throw new Error(`${name}: ${describeOutcome(outcome)}`);
        }),
        { numRuns: RUNS },
      );
      report(engine.engine, `bad-input ${name}`, { cases: outcomes.length, outcomes: tally(outcomes), uncaught: guard.caught.length });
      expect(guard.caught, guard.describe()).to.deep.equal([]);
      expectQuiet(api.db.stats(), `after ${name}`);
    }

    const select2 = `SELECT ${engine.p(1)} AS a, ${engine.p(2)} AS b`;
    /** A SELECT without FROM that succeeded must have answered its one row: no silent empty result. */
    const oneRow = async (running: Promise<{ rows: unknown[] }>): Promise<void> => {
      const { rows } = await running;
      if (rows.length !== 1) throw new Error(`a one-row SELECT succeeded with ${rows.length} rows`);
    };

    it('db.query(sql, params) with arbitrary SQL and parameter lists', () =>
      check('query', fc.record({ sql: fc.oneof(fc.constant(select2), fc.string(), oddValue), params: fc.oneof(oddValue, fc.array(oddValue, { maxLength: 3 })) }), ({ sql, params }, { db }) =>
        db.query(sql as string, params as unknown[]),
      ));

    it('db.query(sql, [a, b]) with arbitrary bound values', () => check('bind-values', fc.tuple(oddValue, oddValue), (values, { db }) => oneRow(db.query(select2, values))));

    it('db.sql`…${value}` with arbitrary values, and db.sql called as a function', () =>
      check('sql-template', fc.record({ value: oddValue, strings: oddValue, asTemplate: fc.boolean() }), ({ value, strings, asTemplate }, { db }) =>
        asTemplate ? oneRow(db.query(db.sql`SELECT ${value} AS v`)) : db.query(db.sql(strings as TemplateStringsArray, value)),
      ));

    it('db.atomic(options, fn) with arbitrary options and callbacks', () =>
      check(
        'atomic',
        fc.record({
          options: fc.oneof(oddValue, fc.record({ isolation: fc.oneof(fc.constantFrom('serializable', 'read committed', 'snapshot'), oddValue), readOnly: oddValue, durable: oddValue }, { requiredKeys: [] })),
          fn: fc.oneof(oddValue, fc.constant(() => 1)),
        }),
        ({ options, fn }, { db }) => db.atomic(options as never, fn as () => unknown),
      ));

    it('db.stream(sql, params, options) with arbitrary arguments', () =>
      check(
        'stream',
        fc.record({ sql: fc.oneof(fc.constant(engine.series(10)), fc.string(), oddValue), params: fc.oneof(oddValue, fc.constant([])), options: fc.oneof(oddValue, fc.record({ batchSize: oddValue })) }),
        ({ sql, params, options }, { db }) => db.stream(sql as string, params as unknown[], options as never),
      ));

    it('db.session(x), db.onCommit(x), dbs.scope(x), dbs.get(x) with arbitrary values', () =>
      check('session-scope-get', fc.record({ value: oddValue, which: fc.constantFrom('session', 'onCommit', 'scope', 'get') }), ({ value, which }, { db, dbs }) => {
        if (which === 'session') return db.session(value as () => unknown);
        if (which === 'onCommit') return db.onCommit(value as () => unknown);
        if (which === 'scope') return dbs.scope(value as () => unknown);
        return dbs.get(value as string);
      }));
  });
}

describe('bad input: dbs.close(options)', () => {
  const guard = guardProcess();

  it('either closes the pools or rejects with a UnipoolError and leaves them open and closable', async () => {
    const outcomes: Outcome[] = [];
    await fc.assert(
      fc.asyncProperty(fc.oneof(oddValue, fc.record({ timeoutMs: oddValue })), async (options) => {
        const dbs = createDatabases({ default: engineUnderTest('sqlite').config() as unknown as DatabaseConfig });
        await dbs.default.query('SELECT 1');
        const outcome = await outcomeOf(() => dbs.close(options as never));
        outcomes.push(outcome);
        if (!isAllowed(outcome)) throw new Error(describeOutcome(outcome));
        if (outcome.kind === 'ok') {
          const after = await outcomeOf(() => dbs.default.query('SELECT 1'));
          expect(after).to.deep.equal({ kind: 'unipool', code: 'UNIPOOL_POOL_CLOSED' });
        } else {
          // A rejected close() changed nothing: the pool serves, and a valid close() still works.
          expect(await outcomeOf(() => dbs.default.query('SELECT 1'))).to.deep.equal({ kind: 'ok' });
          expect(await outcomeOf(() => dbs.close({ timeoutMs: 1000 }))).to.deep.equal({ kind: 'ok' });
        }
        expect(dbs.default.stats().size).to.equal(0);
      }),
      { numRuns: RUNS },
    );
    report('sqlite', 'bad-input close', { cases: outcomes.length, outcomes: tally(outcomes), uncaught: guard.caught.length });
    expect(guard.caught, guard.describe()).to.deep.equal([]);
  });
});
