import { createDatabases } from '../src/create-databases.js';
import type { DatabaseConfig } from '../src/config/databases-config.js';
import { temporarySqliteTarget, urlTarget, type BenchTarget } from '../src/cli/bench/bench-target.js';
import type { BenchEngine } from '../src/cli/bench/workload-sql.js';

/** The MySQL database the suite creates for itself, so the server's connection count is only ours. */
export const MYSQL_BENCH_DATABASE = 'unipool_bench';
const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/test';

const adminConfigs = new WeakMap<BenchTarget, Readonly<Record<string, unknown>>>();

/** Runs `statements` on `config` with a one-connection pool of its own. */
export async function runStatements(config: Readonly<Record<string, unknown>>, statements: readonly string[]): Promise<void> {
  const dbs = createDatabases({ default: { ...config, pool: { max: 1, connectTimeoutMs: 3000, acquireTimeoutMs: 5000 } } as unknown as DatabaseConfig });
  try {
    for (const sql of statements) await dbs.default.query(sql);
  } finally {
    await dbs.close({ timeoutMs: 2000 });
  }
}

/** The suite's target for `engine`, or why it cannot run (server unreachable). */
export async function openSuiteTarget(engine: BenchEngine): Promise<BenchTarget | string> {
  if (engine === 'sqlite') return temporarySqliteTarget();
  try {
    if (engine === 'postgres') {
      const target = urlTarget(process.env['BENCH_PG_URL'] ?? DEFAULT_PG_URL);
      await runStatements(target.config, ['SELECT 1']);
      return target;
    }
    const admin = urlTarget(process.env['BENCH_MYSQL_URL'] ?? DEFAULT_MYSQL_URL);
    await runStatements(admin.config, [`CREATE DATABASE IF NOT EXISTS ${MYSQL_BENCH_DATABASE}`]);
    const url = new URL(String(admin.config['url']));
    url.pathname = `/${MYSQL_BENCH_DATABASE}`;
    const target = urlTarget(url.toString());
    // The database is dropped from the admin connection: dropping the one a connection is using
    // changes that connection's session (its current database), which unipool rightly refuses.
    adminConfigs.set(target, admin.config);
    return target;
  } catch (error) {
    return `its server is not reachable (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

/** Drops what `openSuiteTarget` created on the server (the MySQL database) and removes temp files. */
export async function closeSuiteTarget(target: BenchTarget): Promise<void> {
  target.dispose();
  const admin = adminConfigs.get(target);
  if (admin !== undefined) await runStatements(admin, [`DROP DATABASE IF EXISTS ${MYSQL_BENCH_DATABASE}`]);
}
