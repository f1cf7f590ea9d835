import { expect } from 'chai';
import { createDatabases, UnipoolError, type Database, type DatabaseConfig } from '../../../src/index.js';
import { ENGINES, engineUnderTest, uniqueTable, type EngineUnderTest } from '../../support/engines.js';
import { withDocsLink } from '../../support/docs-link.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

const LIMIT_MS = 300;
/** A server limit of 300 ms answers well within this even on a loaded 2-core box; the statement sleeps 10 s. */
const ANSWER_BOUND_MS = 5000;

/** What differs per server engine: how to read the limit back, a slow non-SELECT, and how to cancel from outside. */
interface TimeoutSql {
  /** One row, one column: the session's limit as the server reports it. */
  readonly show: string;
  /** The value `show` returns for a 300 ms limit. */
  readonly shown: unknown;
  /** A SET that changes the limit inside session(), and the value `show` then returns. */
  readonly change: string;
  readonly changed: unknown;
  /** A SELECT that runs about 10 s unless stopped, and fails when stopped. */
  readonly slowSelect: string;
  /** A slow statement that is not a SELECT, writing to `table`. */
  readonly slowWrite: (table: string) => string;
  /** The server's error for a statement timeout, as the driver error (the cause) carries it. */
  readonly serverCode: Record<string, unknown>;
  /** Cancels the statement running on connection `id`, from another connection (a user cancel, not a timeout). */
  readonly cancel: (id: number) => string;
  /** Counts open transactions of connection `id`, as the server sees them (column `n`). */
  readonly openTransactions: (id: number) => string;
}

const SQL: Partial<Record<string, TimeoutSql>> = {
  postgres: {
    show: 'SHOW statement_timeout',
    shown: `${LIMIT_MS}ms`,
    change: "SET statement_timeout = '7s'",
    changed: '7s',
    slowSelect: 'SELECT pg_sleep(10)',
    slowWrite: (table) => `INSERT INTO ${table} (id) SELECT 1 FROM pg_sleep(10)`,
    serverCode: { code: '57014' },
    cancel: (id) => `SELECT pg_cancel_backend(${id})`,
    openTransactions: (id) => `SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE pid = ${id} AND (state <> 'idle' OR xact_start IS NOT NULL)`,
  },
  mysql: {
    // The test server is MariaDB: max_statement_time, in seconds.
    show: 'SELECT @@max_statement_time AS t',
    shown: LIMIT_MS / 1000,
    change: 'SET max_statement_time = 7',
    changed: 7,
    // Not SLEEP(): a query that is nothing but SLEEP() may answer 1, with no error, when it is
    // interrupted (MySQL documents it); and MariaDB wakes a sleeping statement late — 2 or 4 s past
    // its max_statement_time, in 5 of 40 rounds of 9 concurrent SLEEPs measured with plain mysql2 —
    // which reads as "no answer" and fails a test on the client backstop. A scan of the sequence
    // engine (about 10 s; `seq + 0` so it is not summed without reading rows) checks for the
    // interruption row by row: 0 of 40 rounds late.
    slowSelect: 'SELECT SUM(seq + 0) AS s FROM seq_1_to_200000000',
    slowWrite: (table) => `INSERT INTO ${table} (id) SELECT SUM(seq + 0) * 0 + 1 FROM seq_1_to_200000000`,
    serverCode: { errno: 1969 },
    cancel: (id) => `KILL QUERY ${id}`,
    openTransactions: (id) => `SELECT COUNT(*) AS n FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = ${id}`,
  },
};

const caught = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

async function backendId(engine: EngineUnderTest, db: Database): Promise<number> {
  const { rows } = await db.query(engine.backendId as string);
  return Number(rows[0]?.['id']);
}

async function shown(db: Database, sql: TimeoutSql): Promise<unknown> {
  const { rows } = await db.query(sql.show);
  const value = Object.values(rows[0] ?? {})[0];
  return typeof value === 'string' && typeof sql.shown === 'number' ? Number(value) : value;
}

/** Runs `run`, expecting UNIPOOL_STATEMENT_TIMEOUT from the server (connection kept) within the bound. */
async function expectServerTimeout(run: () => Promise<unknown>, sql: TimeoutSql): Promise<UnipoolError> {
  const started = performance.now();
  const error = await caught(run());
  const elapsed = performance.now() - started;
  expect(error, 'the statement should have timed out').to.be.instanceOf(UnipoolError);
  expect((error as UnipoolError).code, (error as Error).message).to.equal('UNIPOOL_STATEMENT_TIMEOUT');
  expect((error as UnipoolError).cause).to.include(sql.serverCode);
  expect(elapsed, 'answered by the server limit, not after the 10 s sleep').to.be.below(ANSWER_BOUND_MS);
  return error as UnipoolError;
}

for (const engine of ENGINES) {
  const sql = SQL[engine.engine];
  if (sql === undefined) continue;
  describe(`${engine.engine}: statementTimeoutMs`, function () {
    this.timeout(30_000);
    closeDatabasesAfterEach();
    let table: string;
    let cleanup: Database | undefined;

    beforeEach(async () => {
      table = uniqueTable('timeout');
      const { db } = openDatabase(engine);
      cleanup = db;
      await db.query(`CREATE TABLE ${table} (id INTEGER)`);
    });
    afterEach(async () => {
      // A fresh registry: the one above is closed after each test (closeDatabasesAfterEach runs first).
      const dbs = createDatabases({ default: engine.config() as unknown as DatabaseConfig });
      await dbs.default.query(`DROP TABLE IF EXISTS ${table}`);
      await dbs.close();
      cleanup = undefined;
    });

    it('stops a slow SELECT with UNIPOOL_STATEMENT_TIMEOUT (cause: the server error) and keeps the connection', async () => {
      const { db } = openDatabase(engine, { statementTimeoutMs: LIMIT_MS, pool: { max: 1 } });
      const before = await backendId(engine, db);
      const error = await expectServerTimeout(() => db.query(sql.slowSelect), sql);
      expect(error.message).to.equal(
        withDocsLink(
          'UNIPOOL_STATEMENT_TIMEOUT',
          `unipool: pool "default": the statement ran longer than statementTimeoutMs (${LIMIT_MS} ms): the server stopped it; the connection stays usable (inside atomic() the transaction rolls back). Make it faster or raise statementTimeoutMs.`,
        ),
      );
      expect(await backendId(engine, db)).to.equal(before);
      expect((await db.query(engine.select('1 AS one'))).rows).to.deep.equal([{ one: 1 }]);
      expect(db.stats()).to.include({ destroyed: 0, inUse: 0, size: 1 });
    });

    it('stops a slow statement that is not a SELECT, and nothing it wrote stays', async () => {
      const { db } = openDatabase(engine, { statementTimeoutMs: LIMIT_MS, pool: { max: 1 } });
      await expectServerTimeout(() => db.query(sql.slowWrite(table)), sql);
      expect((await db.query(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]?.['n']).to.equal(0);
      expect(db.stats()).to.include({ destroyed: 0, inUse: 0 });
    });

    it('is the connection baseline: reported by the server, not a session change, and kept through the session() reset', async () => {
      const { db } = openDatabase(engine, { statementTimeoutMs: LIMIT_MS, pool: { max: 1 } });
      // Outside session(): reading it changes nothing, so no reset and no error.
      expect(await shown(db, sql)).to.equal(sql.shown);
      const id = await backendId(engine, db);
      await db.session(async () => {
        expect(await shown(db, sql)).to.equal(sql.shown);
        await db.query(sql.change);
        expect(await shown(db, sql)).to.equal(sql.changed);
      });
      // Same connection, reset at the end of session(): back to the configured limit.
      expect(await backendId(engine, db)).to.equal(id);
      expect(await shown(db, sql)).to.equal(sql.shown);
      await db.session(async () => expect(await shown(db, sql)).to.equal(sql.shown));
      expect(db.stats()).to.include({ destroyed: 0, created: 1 });
    });

    it('inside atomic(): the transaction rolls back, the caller sees UNIPOOL_STATEMENT_TIMEOUT, no transaction is left open', async () => {
      const { db } = openDatabase(engine, { statementTimeoutMs: LIMIT_MS, pool: { max: 1 } });
      const id = await backendId(engine, db);
      await expectServerTimeout(
        () =>
          db.atomic(async () => {
            await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
            await db.query(sql.slowSelect);
          }),
        sql,
      );
      // The server's own view of the pool's (idle) connection: no transaction left open.
      expect(Number((await cleanup?.query(sql.openTransactions(id)))?.rows[0]?.['n'])).to.equal(0);
      expect((await db.query(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]?.['n']).to.equal(0);
      // The same connection commits the next transaction: nothing of the failed one is left.
      await db.atomic(async () => {
        await db.query(`INSERT INTO ${table} (id) VALUES (2)`);
      });
      expect((await db.query(`SELECT id FROM ${table}`)).rows).to.deep.equal([{ id: 2 }]);
      expect(db.stats()).to.include({ destroyed: 0, inUse: 0, size: 1 });
    });

    it('keeps the pool invariants when many statements time out at once', async () => {
      const { db } = openDatabase(engine, { statementTimeoutMs: LIMIT_MS, pool: { max: 3 } });
      const outcomes = await Promise.all(Array.from({ length: 9 }, () => caught(db.query(sql.slowSelect))));
      expect(outcomes.map((error) => (error as UnipoolError | undefined)?.code)).to.deep.equal(Array(9).fill('UNIPOOL_STATEMENT_TIMEOUT'));
      expect(db.stats()).to.include({ inUse: 0, waiting: 0, destroyed: 0 });
      expect(db.stats().size).to.be.at.most(3);
      const ok = await Promise.all(Array.from({ length: 9 }, () => db.query(engine.select('1 AS one'))));
      expect(ok.every((result) => result.rows[0]?.['one'] === 1)).to.equal(true);
    });

    it('stream(): a quick loop leaves no timer behind; a slow consumer is bounded on PostgreSQL (one statement until the loop ends), not on MariaDB', async () => {
      const { db } = openDatabase(engine, { statementTimeoutMs: LIMIT_MS, pool: { max: 1 } });
      const timers = (): number => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
      // After a first statement: the pool's own timers (idle eviction) are running by then.
      await db.query(engine.select('1 AS one'));
      const before = timers();
      let rows = 0;
      for await (const _row of db.stream(engine.series(20), [], { batchSize: 5 })) rows++;
      expect(rows).to.equal(20);
      // pg's query_timeout timer (the backstop) is cleared with the cursor, not left to fire later.
      expect(timers()).to.be.at.most(before);
      const slow = async (): Promise<number> => {
        let seen = 0;
        for await (const _row of db.stream(engine.series(4), [], { batchSize: 1 })) {
          seen++;
          await new Promise((resolve) => setTimeout(resolve, LIMIT_MS));
        }
        return seen;
      };
      if (engine.engine === 'postgres') {
        const error = await caught(slow());
        expect((error as UnipoolError).code).to.equal('UNIPOOL_STATEMENT_TIMEOUT');
        expect((error as UnipoolError).cause).to.include({ code: '57014' });
        expect(db.stats()).to.include({ destroyed: 0, inUse: 0 });
      } else {
        // mysql2 reads the rows off the socket: the server's limit covers running the statement,
        // not the time the consumer spends on each row.
        expect(await slow()).to.equal(4);
      }
      expect((await db.query(engine.select('1 AS one'))).rows).to.deep.equal([{ one: 1 }]);
    });

    it('passes a cancel from another connection through as the driver error: only a timeout is UNIPOOL_STATEMENT_TIMEOUT', async () => {
      const { db } = openDatabase(engine, { statementTimeoutMs: 20_000, pool: { max: 2 } });
      let id = 0;
      const running = db.session(async () => {
        id = await backendId(engine, db);
        return caught(db.query(sql.slowSelect));
      });
      while (id === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      // The slow statement must have started before the cancel, or the cancel would find nothing to stop.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await cleanup?.query(sql.cancel(id));
      const error = await running;
      expect(error).to.be.instanceOf(Error);
      expect(error).to.not.be.instanceOf(UnipoolError);
      expect(error).to.include(engine.engine === 'postgres' ? { code: '57014' } : { errno: 1317 });
    });
  });
}

describe('sqlite: statementTimeoutMs', () => {
  const sqlite = engineUnderTest('sqlite');

  it('is a config error above 0, saying why SQLite cannot enforce it', () => {
    let error: unknown;
    try {
      createDatabases({ default: sqlite.config({ statementTimeoutMs: 300 }) as unknown as DatabaseConfig });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).to.be.instanceOf(UnipoolError);
    expect((error as UnipoolError).code).to.equal('UNIPOOL_CONFIG_INVALID');
    expect((error as Error).message).to.contain(
      'databases.default.statementTimeoutMs: must be 0 or absent for sqlite, got 300 — better-sqlite3 runs each statement synchronously on the calling thread and nothing can interrupt it',
    );
  });

  it('accepts 0 (no limit), so one config shape fits every engine', async () => {
    const dbs = createDatabases({ default: sqlite.config({ statementTimeoutMs: 0 }) as unknown as DatabaseConfig });
    expect((await dbs.default.query('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
    await dbs.close();
  });
});
