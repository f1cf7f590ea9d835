import type { ConcurrencyBound, ContenderResult, WorkloadResult } from './bench-result.js';
import type { BenchProgress } from './bench-progress.js';
import type { BenchTarget } from './bench-target.js';
import { externalCallOp, measureBound, W2_CONCURRENCY } from './external-call.js';
import type { ContenderSpec } from './pool-under-test.js';
import { rawMysqlContender, rawPgContender, rawSqliteContender } from './raw-driver-contenders.js';
import { runRounds } from './run-rounds.js';
import type { ServerConnections } from './server-connections.js';
import { unipoolContender } from './unipool-contender.js';
import { workloadSql } from './workload-sql.js';

/*
 * The one definition of W1 and W2, shared by `unipool bench` (src/cli/bench/cli-bench.ts) and the
 * full suite (bench/suite-workloads.ts): what each loop does, how many loops, the pool size, and
 * which contenders take part by default. The two differ only in durations, rounds and the extra
 * contenders the suite adds.
 */

/** W1: concurrent loops. */
export const W1_CONCURRENCY = 64;
/** Pool `max` of every contender unless a workload says otherwise. */
export const DEFAULT_MAX = 10;

/** The raw driver's contender for a target: its own pool (one connection for SQLite). */
export function rawContender(target: BenchTarget): ContenderSpec {
  if (target.engine === 'postgres') return rawPgContender(target.settings);
  if (target.engine === 'mysql') return rawMysqlContender(target.settings);
  return rawSqliteContender(target.settings.database ?? '');
}

/** Durations and the rest of what one measurement of a workload needs. */
export interface WorkloadRun {
  /** Display name for progress lines: `W1 postgres`, or `W1` when there is one engine. */
  readonly name: string;
  readonly rounds: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly server: ServerConnections | undefined;
  readonly progress: BenchProgress;
  /** What progress lines call an operation's rate (default `ops/s`; W2 always says `req/s`). */
  readonly unit?: string;
}

/** The contenders of W1 and W2 before any extras: the raw driver, unipool `asap` and `request`. */
export function baseContenders(target: BenchTarget): { raw: ContenderSpec; asap: ContenderSpec; request: ContenderSpec } {
  return { raw: rawContender(target), asap: unipoolContender(target.config, 'asap'), request: unipoolContender(target.config, 'request') };
}

/** W1, the hot path: `W1_CONCURRENCY` loops of a one-row SELECT, pool max `DEFAULT_MAX`. */
export function measureW1(target: BenchTarget, contenders: readonly ContenderSpec[], baseline: string, run: WorkloadRun): Promise<ContenderResult[]> {
  const select = workloadSql(target.engine).select;
  return runRounds({ ...run, contenders, baseline, concurrency: W1_CONCURRENCY, max: DEFAULT_MAX, op: (pool) => (i) => pool.query(select, [i]) });
}

/**
 * W2's contenders at max 10: unipool `asap`, `request` (the baseline) and the raw driver with a
 * client checked out per request — except on SQLite, which has no pool to check a connection out of.
 */
export function w2Contenders(target: BenchTarget, raw: ContenderSpec, asap: ContenderSpec, request: ContenderSpec): ContenderSpec[] {
  return target.engine === 'sqlite' ? [asap, request] : [asap, request, raw];
}

/** W2, the external call: `W2_CONCURRENCY` requests, each a query, a 50 ms await, a query. */
export function measureW2(target: BenchTarget, contenders: readonly ContenderSpec[], baseline: string, run: WorkloadRun): Promise<ContenderResult[]> {
  return runRounds({ ...run, contenders, baseline, concurrency: W2_CONCURRENCY, max: DEFAULT_MAX, op: externalCallOp(workloadSql(target.engine).select), unit: 'req/s' });
}

/** W2's concurrency bound, measured with the raw driver (see external-call.ts). */
export function measureW2Bound(target: BenchTarget, raw: ContenderSpec, durationMs: number): Promise<ConcurrencyBound> {
  return measureBound(raw, workloadSql(target.engine).select, durationMs);
}

/** The fields of a workload's result that say what was measured. */
export function workloadHeader(target: BenchTarget, workload: 'w1' | 'w2', baseline: string, rounds: number, durationMs: number): Omit<WorkloadResult, 'contenders' | 'skipped'> {
  return workload === 'w1'
    ? { workload, engine: target.engine, title: 'W1 hot path', concurrency: W1_CONCURRENCY, max: DEFAULT_MAX, rounds, durationMs, baseline }
    : { workload, engine: target.engine, title: 'W2 external call', concurrency: W2_CONCURRENCY, max: DEFAULT_MAX, rounds, durationMs, baseline };
}
