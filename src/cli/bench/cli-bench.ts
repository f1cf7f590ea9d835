import { packageVersion } from '../package-version.js';
import { BENCH_SCHEMA_VERSION, type BenchReport, type WorkloadResult } from './bench-result.js';
import type { BenchProgress } from './bench-progress.js';
import type { BenchTarget } from './bench-target.js';
import { enableAsyncContext } from './async-context.js';
import { littlesLawFloor, sweepMax } from './external-call.js';
import { machineInfo, packageVersions } from './machine-info.js';
import { ServerConnections } from './server-connections.js';
import { workloadSql } from './workload-sql.js';
import { DEFAULT_MAX, measureW1, measureW2, measureW2Bound, baseContenders, w2Contenders, workloadHeader } from './workloads.js';
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
    const { raw, asap, request } = baseContenders(target);
    const run = { rounds: 2, durationMs, warmupMs, server, progress };
    const w1: WorkloadResult = {
      ...workloadHeader(target, 'w1', raw.id, 2, durationMs),
      contenders: await measureW1(target, [raw, asap], raw.id, { ...run, name: 'W1', unit: 'q/s' }),
      skipped: [],
    };

    const contenders = await measureW2(target, w2Contenders(target, raw, asap, request), request.id, { ...run, name: 'W2', rounds: 1 });
    progress.start('W2: measuring the concurrency bound', durationMs / 2 + 1000);
    const bound = await measureW2Bound(target, raw, Math.max(1000, durationMs / 2));
    progress.finish(`${Math.round(bound.requestsPerSec).toLocaleString('en-US')} req/s`);
    const sweep = await sweepMax({ contender: asap, holdsThroughCall: false, bound, select: sql.select, maxAllowed: DEFAULT_MAX, durationMs: Math.max(1000, durationMs / 2), warmupMs, server, progress, maxes: CLI_SWEEP_MAXES });
    // unipool bench sweeps only asap; what the holders need follows from Little's law.
    const holders = contenders.filter((c) => c.id !== asap.id).map((c) => ({ contender: c.id, label: c.label, max: null, largestTried: 0, atLeast: littlesLawFloor(bound), bestPerSec: c.opsPerSec, plateauMax: null }));
    const w2: WorkloadResult = {
      ...workloadHeader(target, 'w2', request.id, 1, durationMs),
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
