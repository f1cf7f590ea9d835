import { packageVersion } from '../package-version.js';
import { BENCH_SCHEMA_VERSION, type BenchReport, type WorkloadResult } from './bench-result.js';
import type { BenchProgress } from './bench-progress.js';
import type { BenchTarget } from './bench-target.js';
import { enableAsyncContext } from './async-context.js';
import { externalCallOp, littlesLawFloor, measureBound, sweepMax, W2_CONCURRENCY } from './external-call.js';
import { machineInfo, packageVersions } from './machine-info.js';
import type { ContenderSpec } from './pool-under-test.js';
import { rawMysqlContender, rawPgContender, rawSqliteContender } from './raw-driver-contenders.js';
import { runRounds } from './run-rounds.js';
import { ServerConnections } from './server-connections.js';
import { unipoolContender } from './unipool-contender.js';
import { workloadSql } from './workload-sql.js';

/** W1: concurrent loops. */
export const W1_CONCURRENCY = 64;
/** Pool `max` of every contender unless a workload says otherwise. */
export const DEFAULT_MAX = 10;
/** The smaller sweep `unipool bench` runs (unipool `asap` only; the holders' needs follow from Little's law). */
const CLI_SWEEP_MAXES = [1, 2, 3, 5, 8, 10];

/** What `runCliBench()` needs. */
export interface CliBenchOptions {
  readonly target: BenchTarget;
  /** Measured time of each measurement. */
  readonly durationMs: number;
  readonly progress: BenchProgress;
  /** Where package versions are resolved from (the user's project). */
  readonly cwd: string;
}

/** The raw driver's contender for a target. */
export function rawContender(target: BenchTarget): ContenderSpec {
  if (target.engine === 'postgres') return rawPgContender(target.settings);
  if (target.engine === 'mysql') return rawMysqlContender(target.settings);
  return rawSqliteContender(target.settings.database ?? '');
}

/**
 * What W1 on SQLite measures: the first table a new user sees (`npm start`) would otherwise read as
 * "unipool makes SQLite four times slower".
 */
const SQLITE_W1_NOTE =
  "SQLite's W1: better-sqlite3 answers synchronously, so its side is a plain function call on one connection, with no pool and no promise. The ratio is unipool's fixed cost per query (a borrow, a promise, a return: a few µs), not a slower database; W2 is where releasing per query pays off. See docs/contributing/benchmark-method.md.";

/** Why W2's asap row reads "peak in use 0" on SQLite, next to "max for 95 %: 1". */
const SQLITE_PEAK_NOTE =
  "SQLite's W2: 'peak in use' is sampled every 10 ms; with asap a SQLite query holds its connection for microseconds, between two samples, so it reads 0 although one connection is in use for every query.";

/**
 * `unipool bench`: W1 (unipool against the raw driver) and W2 (release `asap` against `request`,
 * and how many connections `asap` needs) on one database. Well under a minute at the default
 * duration.
 */
export async function runCliBench(options: CliBenchOptions): Promise<BenchReport> {
  const { target, durationMs, progress } = options;
  const sql = workloadSql(target.engine);
  const server = ServerConnections.open(target.config);
  const servers: Record<string, string> = {};
  const warmupMs = Math.min(500, Math.max(100, durationMs / 10));
  enableAsyncContext();
  try {
    if (server !== undefined) servers[target.engine] = await server.version();
    const raw = rawContender(target);
    const asap = unipoolContender(target.config, 'asap');
    const request = unipoolContender(target.config, 'request');

    const w1Contenders = [raw, asap];
    const w1: WorkloadResult = {
      workload: 'w1',
      engine: target.engine,
      title: 'W1 hot path',
      concurrency: W1_CONCURRENCY,
      max: DEFAULT_MAX,
      rounds: 2,
      durationMs,
      baseline: raw.id,
      contenders: await runRounds({ name: 'W1', contenders: w1Contenders, baseline: raw.id, rounds: 2, durationMs, warmupMs, concurrency: W1_CONCURRENCY, max: DEFAULT_MAX, op: (pool) => (i) => pool.query(sql.select, [i]), server, progress, unit: 'q/s' }),
      skipped: [],
    };

    // SQLite has no pool of its own to check a connection out of for a request.
    const w2Contenders = target.engine === 'sqlite' ? [asap, request] : [asap, request, raw];
    const contenders = await runRounds({ name: 'W2', contenders: w2Contenders, baseline: request.id, rounds: 1, durationMs, warmupMs, concurrency: W2_CONCURRENCY, max: DEFAULT_MAX, op: externalCallOp(sql.select), server, progress, unit: 'req/s' });
    progress.start('W2: measuring the concurrency bound', durationMs / 2 + 1000);
    const bound = await measureBound(raw, sql.select, Math.max(1000, durationMs / 2));
    progress.finish(`${Math.round(bound.requestsPerSec).toLocaleString('en-US')} req/s`);
    const sweep = await sweepMax({ contender: asap, holdsThroughCall: false, bound, select: sql.select, maxAllowed: DEFAULT_MAX, durationMs: Math.max(1000, durationMs / 2), warmupMs, server, progress, maxes: CLI_SWEEP_MAXES });
    // unipool bench sweeps only asap; what the holders need follows from Little's law.
    const holders = w2Contenders.filter((c) => c !== asap).map((c) => ({ contender: c.id, label: c.label, max: null, largestTried: 0, atLeast: littlesLawFloor(bound), bestPerSec: contenders.find((r) => r.id === c.id)?.opsPerSec ?? 0, plateauMax: null }));
    const w2: WorkloadResult = {
      workload: 'w2',
      engine: target.engine,
      title: 'W2 external call',
      concurrency: W2_CONCURRENCY,
      max: DEFAULT_MAX,
      rounds: 1,
      durationMs,
      baseline: request.id,
      contenders,
      skipped: [],
      bound,
      sweep: sweep.points,
      connectionsNeeded: [sweep.needed, ...holders],
    };

    return {
      schemaVersion: BENCH_SCHEMA_VERSION,
      date: new Date().toISOString(),
      mode: 'cli',
      machine: machineInfo(),
      packages: { unipool: packageVersion(), ...packageVersions(['pg', 'mysql2', 'better-sqlite3', 'generic-pool'], options.cwd) },
      servers,
      workloads: [w1, w2],
      notes: target.engine === 'sqlite' ? [`Target: ${target.description}.`, SQLITE_W1_NOTE, SQLITE_PEAK_NOTE] : [`Target: ${target.description}.`],
    };
  } finally {
    await server?.close();
  }
}
