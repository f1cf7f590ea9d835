/*
 * The shape of a benchmark run, as written to `latest.json` by `npm run bench` and to
 * `results.json` by `unipool bench`. Bump `BENCH_SCHEMA_VERSION` when a field changes meaning.
 */

/** Version of the JSON layout below. */
export const BENCH_SCHEMA_VERSION = 1;

/** Latency quantiles of one contender, in milliseconds. */
export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

/** One contender's figures in one workload, over all its rounds. */
export interface ContenderResult {
  /** Stable id: `raw`, `unipool-asap`, `knex`, `pgbouncer`… */
  readonly id: string;
  /** What the tables and charts show. */
  readonly label: string;
  /** Operations (queries, requests or transactions) completed, over all rounds. */
  readonly ops: number;
  /** Total ops / total measured time. */
  readonly opsPerSec: number;
  /** ops/s of each round, in round order. */
  readonly roundOpsPerSec: readonly number[];
  /** Median over rounds of (this ops/s ÷ the baseline's ops/s in the same round); null for the baseline itself or when there is none. */
  readonly ratio: number | null;
  readonly latencyMs: LatencySummary;
  /** Operations that threw (the first message is in `firstError`). */
  readonly errors: number;
  readonly firstError?: string;
  /** Client process CPU time (user + system) per operation, in microseconds: the bookkeeping cost, less sensitive to noise than throughput. */
  readonly cpuUsPerOp: number;
  /** Most connections checked out at once, sampled from the pool (`stats().inUse` for unipool). */
  readonly peakInUse: number;
  /**
   * The most loops (callers) that completed nothing inside one round's window: a pool that lets a
   * few callers keep their connections starves the rest. Absent in results written before it was
   * measured.
   */
  readonly starvedLoops?: number;
  /** Most server connections this contender had open at once (pg_stat_activity / PROCESSLIST); null when not measurable. */
  readonly peakServerConnections: number | null;
  /** Most of those that were busy at once (running a statement or inside a transaction). */
  readonly peakServerBusy: number | null;
}

/** One point of the W2 sweep over `max`. */
export interface SweepPoint {
  readonly contender: string;
  readonly max: number;
  readonly opsPerSec: number;
  readonly p99Ms: number;
  readonly peakInUse: number;
}

/** W2's concurrency bound: what the requests could do if no one ever waited for a connection. */
export interface ConcurrencyBound {
  readonly concurrency: number;
  /** Mean duration of the awaited outside call, measured with no database load. */
  readonly outsideCallMs: number;
  /** Median latency of one query with no other load. */
  readonly queryMs: number;
  /** concurrency ÷ (outside call + 2 queries), per second. */
  readonly requestsPerSec: number;
  /** 95 % of `requestsPerSec`: the throughput a `max` must reach to count as enough. */
  readonly targetPerSec: number;
}

/** How few connections each contender needs for 95 % of the bound. */
export interface ConnectionsNeeded {
  readonly contender: string;
  readonly label: string;
  /** Smallest `max` tried that reached the target; null when none did. */
  readonly max: number | null;
  /** Largest `max` tried (the sweep stops at the server's spare connections). */
  readonly largestTried: number;
  /**
   * A lower bound from Little's law for contenders that hold a connection through the outside
   * call: 95 % of the bound × the outside call's duration. Null for unipool `asap`.
   */
  readonly atLeast: number | null;
  /** The best requests/s the sweep saw (below the bound when the machine's CPU is the limit). */
  readonly bestPerSec: number;
  /** Smallest `max` tried that reached 95 % of `bestPerSec`: the connections needed on this machine when it cannot reach the bound. */
  readonly plateauMax: number | null;
}

/** One workload on one engine. */
export interface WorkloadResult {
  readonly workload: 'w1' | 'w2' | 'w3';
  readonly engine: string;
  readonly title: string;
  readonly concurrency: number;
  /** Pool `max` of every contender (W2's sweep varies it). */
  readonly max: number;
  readonly rounds: number;
  /** Measured time per round and contender. */
  readonly durationMs: number;
  /** Contender id the ratios are relative to. */
  readonly baseline: string;
  readonly contenders: readonly ContenderResult[];
  /** Contenders that could not run, and why (PgBouncer not installed…). */
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
  readonly bound?: ConcurrencyBound;
  readonly sweep?: readonly SweepPoint[];
  readonly connectionsNeeded?: readonly ConnectionsNeeded[];
}

/** The machine the run was measured on. */
export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly platform: string;
  readonly arch: string;
  readonly node: string;
  /** 1-minute load average when the run started: other work on the machine skews absolute numbers. */
  readonly loadAverage: number;
}

/** A whole run. */
export interface BenchReport {
  readonly schemaVersion: number;
  readonly date: string;
  /** `full`, `quick`, `smoke` (npm run bench) or `cli` (unipool bench). */
  readonly mode: string;
  readonly machine: MachineInfo;
  /** Versions of unipool, the drivers and the peers. */
  readonly packages: Readonly<Record<string, string>>;
  /** Server versions, by engine. */
  readonly servers: Readonly<Record<string, string>>;
  readonly workloads: readonly WorkloadResult[];
  readonly notes: readonly string[];
}
