import type { Engine } from '../../adapter.js';
import type { Statement } from './pool-under-test.js';

/** Engines the benchmarks know how to drive. */
export type BenchEngine = 'postgres' | 'mysql' | 'sqlite';

/** Rows of the W3 table: spread wide enough that 64 loops rarely wait on the same row lock. */
export const W3_ROWS = 1000;

/** The SQL of the workloads, in each engine's own placeholders. */
export interface WorkloadSql {
  /** W1/W2: a one-row SELECT of one bound value. */
  readonly select: string;
  /** W3: statements creating and filling the table. */
  createTable(table: string): readonly string[];
  dropTable(table: string): string;
  /** W3: the body of one transaction on row `id`. */
  transaction(table: string, id: number): readonly Statement[];
}

/** A recursive CTE filling ids 1…W3_ROWS (PostgreSQL has generate_series, but this runs everywhere). */
function fill(table: string): string {
  return `INSERT INTO ${table} (id, balance) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${W3_ROWS}) SELECT n, 0 FROM s`;
}

const POSTGRES: WorkloadSql = {
  select: 'SELECT $1::int AS n',
  createTable: (t) => [`DROP TABLE IF EXISTS ${t}`, `CREATE TABLE ${t} (id int PRIMARY KEY, balance int NOT NULL)`, fill(t)],
  dropTable: (t) => `DROP TABLE IF EXISTS ${t}`,
  transaction: (t, id) => [
    { sql: `SELECT balance FROM ${t} WHERE id = $1 FOR UPDATE`, params: [id] },
    { sql: `UPDATE ${t} SET balance = balance + 1 WHERE id = $1`, params: [id] },
  ],
};

const MYSQL: WorkloadSql = {
  select: 'SELECT ? AS n',
  createTable: (t) => [`DROP TABLE IF EXISTS ${t}`, `CREATE TABLE ${t} (id INT PRIMARY KEY, balance INT NOT NULL) ENGINE=InnoDB`, fill(t)],
  dropTable: (t) => `DROP TABLE IF EXISTS ${t}`,
  transaction: (t, id) => [
    { sql: `SELECT balance FROM ${t} WHERE id = ? FOR UPDATE`, params: [id] },
    { sql: `UPDATE ${t} SET balance = balance + 1 WHERE id = ?`, params: [id] },
  ],
};

// SQLite has no FOR UPDATE: BEGIN IMMEDIATE takes the database's write lock up front instead.
const SQLITE: WorkloadSql = {
  select: 'SELECT ? AS n',
  createTable: (t) => [`DROP TABLE IF EXISTS ${t}`, `CREATE TABLE ${t} (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)`, fill(t)],
  dropTable: (t) => `DROP TABLE IF EXISTS ${t}`,
  transaction: (t, id) => [
    { sql: `SELECT balance FROM ${t} WHERE id = ?`, params: [id] },
    { sql: `UPDATE ${t} SET balance = balance + 1 WHERE id = ?`, params: [id] },
  ],
};

/** The workload SQL of each engine the benchmarks drive: its keys are the bench engines. */
const WORKLOADS: Readonly<Record<BenchEngine, WorkloadSql>> = { postgres: POSTGRES, mysql: MYSQL, sqlite: SQLITE };

/** The engines the benchmarks drive, in the docs' order. */
export const BENCH_ENGINES: readonly BenchEngine[] = Object.freeze(Object.keys(WORKLOADS) as BenchEngine[]);

/** Whether the benchmarks can drive `engine`. */
export function isBenchEngine(engine: Engine): engine is BenchEngine {
  return Object.hasOwn(WORKLOADS, engine);
}

/** The workload SQL for `engine`. */
export function workloadSql(engine: BenchEngine): WorkloadSql {
  return WORKLOADS[engine];
}
