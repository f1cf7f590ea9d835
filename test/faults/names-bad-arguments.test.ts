import { expect } from 'chai';
import { createDatabases, UnipoolError, type DatabaseConfig, type Databases } from '../../src/index.js';
import { engineUnderTest, type EngineUnderTest } from '../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../support/open-database.js';
import { outcomeOf } from './support/bad-input.js';

/**
 * The cases the bad-input properties found, pinned one by one: each call must end in a UnipoolError
 * with a stable code — never a TypeError or RangeError from a driver or from JavaScript itself.
 * (Core fixes proposed in .tmp/core-bugs/bad-arguments-raise-type-errors.md.)
 */
async function codeOf(call: () => unknown): Promise<string> {
  const outcome = await outcomeOf(call);
  if (outcome.kind === 'unipool' || outcome.kind === 'server') return outcome.code;
  if (outcome.kind === 'other') {
    const error = outcome.error as Error;
    return `${error?.constructor?.name}: ${error?.message}`;
  }
  return outcome.kind;
}

/** The driver's error stays reachable as `cause`. */
async function causeOf(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error instanceof UnipoolError ? error.cause : undefined;
  }
  return undefined;
}

/** Values the driver itself rejects: the driver's error is kept as `cause`. */
const cases: ReadonlyArray<[EngineUnderTest, string, unknown[]]> = [
  [engineUnderTest('sqlite'), 'SELECT ? AS a, ? AS b', [1]],
  [engineUnderTest('postgres'), 'SELECT $1::jsonb AS v', [{ id: 1n }]],
];

/**
 * Values the adapter refuses before the driver sees them (the bind rules are the same on every
 * engine: see the type-mapping page). Booleans and Dates, once refused by better-sqlite3, now bind
 * on SQLite (binds-values-the-same-everywhere.test.ts).
 */
const refused: ReadonlyArray<[EngineUnderTest, string, unknown[], string]> = [
  [engineUnderTest('sqlite'), 'SELECT ? AS v', [Symbol('x')], 'UNIPOOL_INVALID_ARGUMENT'],
  [engineUnderTest('sqlite'), 'SELECT ? AS v', [2n ** 70n], 'UNIPOOL_VALUE_OUT_OF_RANGE'],
  [engineUnderTest('mysql'), 'SELECT ? AS v', [Object.create(null)], 'UNIPOOL_INVALID_ARGUMENT'],
];

function show(params: unknown[]): string {
  return params
    .map((value) =>
      typeof value === 'bigint' ? `${value}n` : typeof value === 'symbol' ? 'Symbol()' : value instanceof Date ? 'Date' : value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === null ? 'Object.create(null)' : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)),
    )
    .join(', ');
}

describe('bad arguments are named as such (UNIPOOL_INVALID_ARGUMENT)', () => {
  closeDatabasesAfterEach();

  for (const [engine, sql, params] of cases) {
    it(`${engine.engine}: db.query(${JSON.stringify(sql)}, [${show(params)}]) rejects with UNIPOOL_INVALID_ARGUMENT, the driver's error as cause, and the connection stays usable`, async () => {
      const { db } = openDatabase(engine, { pool: { max: 1 } });
      expect(await codeOf(() => db.query(sql, params))).to.equal('UNIPOOL_INVALID_ARGUMENT');
      expect(await causeOf(() => db.query(sql, params))).to.be.an.instanceOf(Error);
      expect((await db.query(engine.select('1 AS one'))).rowCount).to.equal(1);
      expect(db.stats().inUse).to.equal(0);
    });
  }

  for (const [engine, sql, params, code] of refused) {
    it(`${engine.engine}: db.query(${JSON.stringify(sql)}, [${show(params)}]) rejects with ${code} naming parameter 1, and the connection stays usable`, async () => {
      const { db } = openDatabase(engine, { pool: { max: 1 } });
      expect(await codeOf(() => db.query(sql, params))).to.equal(code);
      const error = await db.query(sql, params).catch((e: unknown) => e);
      expect((error as Error).message).to.include('parameter 1');
      expect((await db.query(engine.select('1 AS one'))).rowCount).to.equal(1);
      expect(db.stats().inUse).to.equal(0);
    });
  }

  it('sqlite: a stream with a value the driver cannot bind rejects with UNIPOOL_INVALID_ARGUMENT', async () => {
    const { db } = openDatabase(engineUnderTest('sqlite'));
    expect(await codeOf(() => db.stream('SELECT ? AS v', [{}]))).to.equal('UNIPOOL_INVALID_ARGUMENT');
    expect(db.stats().inUse).to.equal(0);
  });

  it('db.stream(sql, params, null) rejects with UNIPOOL_INVALID_ARGUMENT', async () => {
    const { db } = openDatabase(engineUnderTest('sqlite'));
    expect(await codeOf(() => db.stream('SELECT 1', [], null as never))).to.equal('UNIPOOL_INVALID_ARGUMENT');
  });

  it('a bigint where a boolean or number belongs is reported, not a JSON.stringify TypeError', async () => {
    const { db } = openDatabase(engineUnderTest('sqlite'));
    expect(await codeOf(() => db.atomic({ isolation: 1n } as never, () => 1))).to.equal('UNIPOOL_INVALID_ARGUMENT');
    expect(await codeOf(() => db.atomic({ readOnly: 1n } as never, () => 1))).to.equal('UNIPOOL_INVALID_ARGUMENT');
    expect(await codeOf(() => db.stream('SELECT 1', [], { batchSize: 1n as never }))).to.equal('UNIPOOL_INVALID_ARGUMENT');
  });

  it('dbs.get() of a value that cannot be printed answers UNIPOOL_UNKNOWN_DATABASE', async () => {
    const { dbs } = openDatabase(engineUnderTest('sqlite'));
    expect(await codeOf(() => dbs.get(Object.create(null) as string))).to.equal('UNIPOOL_UNKNOWN_DATABASE');
    expect(await codeOf(() => dbs.get({ toString: 1 } as never))).to.equal('UNIPOOL_UNKNOWN_DATABASE');
  });

  it('db.sql called as a function with parts that are not strings rejects with UNIPOOL_INVALID_ARGUMENT', async () => {
    const { db } = openDatabase(engineUnderTest('sqlite'));
    const fake = Object.assign([Symbol('x'), 'x'], { raw: ['', 'x'] }) as unknown as TemplateStringsArray;
    expect(await codeOf(() => db.sql(fake, 1))).to.equal('UNIPOOL_INVALID_ARGUMENT');
  });
});

describe('dbs.close(options) with bad options', () => {
  // Registries of their own, closed by hand: a close() stuck on a rejection must not take the
  // shared after-each hook down with it.
  let dbs: Databases<'default'>;
  beforeEach(() => {
    dbs = createDatabases({ default: engineUnderTest('sqlite').config() as unknown as DatabaseConfig });
  });
  afterEach(() => dbs.close({ timeoutMs: 1000 }).catch(() => undefined));

  for (const options of [{ timeoutMs: 'soon' }, { timeoutMs: Number.NaN }, { timeoutMs: -1 }, { timeoutMs: 1n }, { timeoutMs: Symbol('x') }, 'fast', null]) {
    const shown = typeof options === 'object' && options !== null ? `{ timeoutMs: ${String(options.timeoutMs)} }` : String(options);
    it(`close(${shown}) rejects with UNIPOOL_INVALID_ARGUMENT and leaves the pools open, still closable`, async () => {
      const db = dbs.default;
      await db.query('SELECT 1');
      expect(await codeOf(() => dbs.close(options as never))).to.equal('UNIPOOL_INVALID_ARGUMENT');
      expect((await db.query('SELECT 1 AS one')).rowCount).to.equal(1);
      // The rejected call must not stick: a valid close() closes.
      expect(await codeOf(() => dbs.close({ timeoutMs: 1000 }))).to.equal('ok');
      expect(await codeOf(() => db.query('SELECT 1'))).to.equal('UNIPOOL_POOL_CLOSED');
    });
  }

  it('close({ timeoutMs: Infinity }) waits for connections in use instead of forcing them at once', async () => {
    const db = dbs.default;
    let finished = false;
    const work = db.session(async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await db.query('SELECT 1');
      finished = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await dbs.close({ timeoutMs: Number.POSITIVE_INFINITY });
    await work;
    expect(finished).to.equal(true);
    expect(db.stats().size).to.equal(0);
  });
});
