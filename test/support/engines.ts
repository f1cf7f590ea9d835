import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../src/adapter.js';

/** One engine the integration suites run against, with the little SQL that differs between them. */
export interface EngineUnderTest {
  readonly engine: Engine;
  /** A database config for this engine; `extra` is merged in (pool, release…). */
  config(extra?: Record<string, unknown>): Record<string, unknown>;
  /** Placeholder of the n-th value. */
  p(n: number): string;
  /** What a table-less SELECT needs at its end: '' or ' FROM dual' (Oracle). */
  readonly dual: string;
  /** `SELECT <exprs>` with no table (Oracle needs FROM dual). */
  readonly select: (exprs: string) => string;
  /** What makes an INTEGER PRIMARY KEY generate ids ('' where it does by itself). */
  readonly autoIncrement: string;
  /** A query returning the server-side id of the connection it runs on (column `id`); undefined without a server. */
  readonly backendId?: string;
  /** SQL that kills the server connection with that id, from another connection. */
  readonly kill?: (id: number) => string;
  /** A statement that takes `seconds` on the server. */
  readonly sleep: (seconds: number) => string;
  /** CREATE TEMP TABLE in this dialect. */
  readonly createTemp: (name: string) => string;
  /** A row-generating query of `n` rows with one column `n`. */
  readonly series: (n: number) => string;
  /** Removes what the engine's tests left behind (temp files). */
  cleanup(): void;
}

const sqliteDir = mkdtempSync(join(tmpdir(), 'unipool-test-'));
let sqliteFiles = 0;

const all: Record<Engine, EngineUnderTest | undefined> = {
  postgres: {
    engine: 'postgres',
    autoIncrement: 'GENERATED ALWAYS AS IDENTITY',
    backendId: 'SELECT pg_backend_pid() AS id',
    sleep: (seconds) => `SELECT pg_sleep(${seconds})`,
    kill: (id) => `SELECT pg_terminate_backend(${id})`,
    // UNIPOOL_TEST_PIPELINE=false runs the suites with pipelining off (on by default): scripts/test.sh
    // runs the contract suite once more that way.
    config: (extra = {}) => ({ engine: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test', ...(process.env.UNIPOOL_TEST_PIPELINE === 'false' ? { pipeline: false } : {}), ...extra }),
    p: (n) => `$${n}`,
    dual: '',
    select: (exprs) => `SELECT ${exprs}`,
    createTemp: (name) => `CREATE TEMP TABLE ${name} (id INTEGER)`,
    series: (n) => `SELECT g AS n FROM generate_series(1, ${n}) AS g`,
    cleanup() {},
  },
  mysql: {
    engine: 'mysql',
    autoIncrement: 'AUTO_INCREMENT',
    backendId: 'SELECT CONNECTION_ID() AS id',
    sleep: (seconds) => `SELECT SLEEP(${seconds})`,
    kill: (id) => `KILL ${id}`,
    config: (extra = {}) => ({ engine: 'mysql', url: 'mysql://root@127.0.0.1:3306/test', ...(process.env.UNIPOOL_TEST_PIPELINE === 'false' ? { pipeline: false } : {}), ...extra }),
    p: () => '?',
    dual: '',
    select: (exprs) => `SELECT ${exprs}`,
    createTemp: (name) => `CREATE TEMPORARY TABLE ${name} (id INTEGER)`,
    // MariaDB's Sequence engine (the test server caps recursive CTEs at 1000 iterations).
    series: (n) => `SELECT seq AS n FROM seq_1_to_${n}`,
    cleanup() {},
  },
  sqlite: {
    engine: 'sqlite',
    autoIncrement: '',
    sleep: () => `WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 3000000) SELECT count(*) FROM s`,
    // A fresh file per database config, so suites never see each other's tables.
    config: (extra = {}) => ({ engine: 'sqlite', database: join(sqliteDir, `db-${++sqliteFiles}.sqlite3`), ...extra }),
    p: () => '?',
    dual: '',
    select: (exprs) => `SELECT ${exprs}`,
    createTemp: (name) => `CREATE TEMP TABLE ${name} (id INTEGER)`,
    series: (n) => `WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${n}) SELECT n FROM s`,
    cleanup() {
      rmSync(sqliteDir, { recursive: true, force: true });
    },
  },
  oracle: process.env.UNIPOOL_ORACLE_URL
    ? {
        engine: 'oracle',
        autoIncrement: 'GENERATED ALWAYS AS IDENTITY',
        backendId: "SELECT sys_context('USERENV', 'SID') AS id FROM dual",
        sleep: (seconds) => `BEGIN DBMS_SESSION.SLEEP(${seconds}); END;`,
        config: (extra = {}) => ({ engine: 'oracle', url: process.env.UNIPOOL_ORACLE_URL, ...extra }),
        p: (n) => `:${n}`,
        dual: ' FROM dual',
        select: (exprs) => `SELECT ${exprs} FROM dual`,
        createTemp: (name) => `CREATE PRIVATE TEMPORARY TABLE ora$ptt_${name} (id INTEGER) ON COMMIT PRESERVE DEFINITION`,
        series: (n) => `SELECT level AS "n" FROM dual CONNECT BY level <= ${n}`,
        cleanup() {},
      }
    : undefined,
};

/**
 * The engines every integration suite loops over. PostgreSQL, MariaDB and SQLite always run (their
 * servers are checked by `npm test`); Oracle only when `UNIPOOL_ORACLE_URL` is set. `UNIPOOL_ENGINES`
 * (comma-separated) narrows the list for local runs.
 */
export const ENGINES: readonly EngineUnderTest[] = Object.values(all).filter(
  (e): e is EngineUnderTest => e !== undefined && (process.env.UNIPOOL_ENGINES === undefined || process.env.UNIPOOL_ENGINES.split(',').includes(e.engine)),
);

/** One engine by name (for engine-specific suites). */
export function engineUnderTest(engine: Engine): EngineUnderTest {
  const found = all[engine];
  if (found === undefined) throw new Error(`engine ${engine} is not configured for tests`);
  return found;
}

/** Resolves after `ms` real milliseconds (integration tests only; unit tests use fake timers). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check()` is true, polling on the event loop every 10 ms; fails after `attempts` polls. */
export async function eventually(check: () => boolean, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i += 1) {
    if (check()) return;
    await sleep(10);
  }
  throw new Error('condition not met');
}

/** A table name unique to this test process. */
let tables = 0;
export function uniqueTable(prefix: string): string {
  return `t_${prefix}_${process.pid}_${++tables}`;
}
