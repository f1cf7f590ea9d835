import { setTimeout as sleep } from 'node:timers/promises';
import type { ConcurrencyBound, ConnectionsNeeded, SweepPoint } from './bench-result.js';
import type { BenchProgress } from './bench-progress.js';
import { runClosedLoop, type BenchOp } from './closed-loop.js';
import { formatRate } from './format-number.js';
import { measure } from './measure.js';
import type { ContenderSpec, PoolUnderTest } from './pool-under-test.js';
import type { ServerConnections } from './server-connections.js';

/** W2: concurrent requests. */
export const W2_CONCURRENCY = 200;
/** W2: the outside call each request awaits between its two queries. */
export const OUTSIDE_CALL_MS = 50;
/** W2: the share of the concurrency bound a `max` must reach to count as enough. */
export const BOUND_SHARE = 0.95;
/** W2: the values of `max` tried, smallest first; the sweep stops at the first that is enough. */
export const SWEEP_MAXES: readonly number[] = [1, 2, 3, 5, 8, 10, 20, 50, 100, 200];

/** W2's request: a query, an outside call (a 50 ms timer), another query. */
export function externalCallOp(select: string): (pool: PoolUnderTest) => BenchOp {
  return (pool) => (i) =>
    pool.request(async (query) => {
      await query(select, [i]);
      await sleep(OUTSIDE_CALL_MS);
      await query(select, [i]);
    });
}

/**
 * The bound W2 is judged against: with no waiting for connections, each request takes the outside
 * call plus two unloaded queries. The outside call is measured (a timer fires late by the event
 * loop's own lag), with every request waiting at once, and no database work.
 */
export async function measureBound(calibration: ContenderSpec, select: string, durationMs: number): Promise<ConcurrencyBound> {
  const outside = await runClosedLoop({ concurrency: W2_CONCURRENCY, durationMs, warmupMs: 2 * OUTSIDE_CALL_MS, op: () => sleep(OUTSIDE_CALL_MS) });
  const outsideCallMs = outside.latency.sum / Math.max(1, outside.latency.count);
  const pool = await calibration.open({ max: 1, tag: 'unipool-bench-calibration' });
  let queryMs: number;
  try {
    const single = await runClosedLoop({ concurrency: 1, durationMs: Math.min(1000, durationMs), warmupMs: 100, op: (i) => pool.query(select, [i]) });
    queryMs = single.latency.quantile(0.5);
  } finally {
    await pool.close();
  }
  const requestsPerSec = (W2_CONCURRENCY * 1000) / (outsideCallMs + 2 * queryMs);
  return { concurrency: W2_CONCURRENCY, outsideCallMs, queryMs, requestsPerSec, targetPerSec: requestsPerSec * BOUND_SHARE };
}

/** What `sweepMax()` needs. */
export interface SweepOptions {
  readonly contender: ContenderSpec;
  /** True when the contender keeps a connection through the outside call (it then needs many). */
  readonly holdsThroughCall: boolean;
  readonly bound: ConcurrencyBound;
  readonly select: string;
  /** The largest `max` the server can take right now (spare connections). */
  readonly maxAllowed: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly server?: ServerConnections | undefined;
  readonly progress: BenchProgress;
  readonly maxes?: readonly number[];
}

/** A point counts as an improvement when it beats the best so far by this factor. */
const IMPROVEMENT = 1.05;

/**
 * Measures W2 at growing `max` until the contender reaches 95 % of the bound, stops improving
 * (two points in a row no better than the best so far: the machine, not the pool, is the limit),
 * or the server has no connections to spare. For a contender that holds its connection through the
 * outside call, Little's law gives a floor without measuring: connections in use = throughput ×
 * hold time.
 */
export async function sweepMax(options: SweepOptions): Promise<{ points: SweepPoint[]; needed: ConnectionsNeeded }> {
  const { contender, bound } = options;
  const points: SweepPoint[] = [];
  let reached: number | null = null;
  let largestTried = 0;
  let best = 0;
  let flat = 0;
  for (const max of options.maxes ?? SWEEP_MAXES) {
    if (max > options.maxAllowed) break;
    options.progress.start(`W2 sweep: ${contender.label}, max ${max}`, options.warmupMs + options.durationMs);
    const result = await measure({ contender, max, concurrency: W2_CONCURRENCY, durationMs: options.durationMs, warmupMs: options.warmupMs, op: externalCallOp(options.select), server: options.server });
    const opsPerSec = result.elapsedMs > 0 ? (result.ops * 1000) / result.elapsedMs : 0;
    points.push({ contender: contender.id, max, opsPerSec, p99Ms: result.latency.quantile(0.99), peakInUse: result.peakInUse });
    largestTried = max;
    const enough = opsPerSec >= bound.targetPerSec;
    flat = points.length > 1 && opsPerSec <= best * IMPROVEMENT ? flat + 1 : 0;
    best = Math.max(best, opsPerSec);
    options.progress.finish(`${formatRate(opsPerSec)} req/s (${Math.round((100 * opsPerSec) / bound.requestsPerSec)} % of the bound)${enough ? ' — enough' : flat >= 2 ? ' — no longer improving' : ''}`);
    if (enough) {
      reached = max;
      break;
    }
    if (flat >= 2) break;
  }
  const plateau = points.find((p) => p.opsPerSec >= best * BOUND_SHARE);
  const atLeast = options.holdsThroughCall ? littlesLawFloor(bound) : null;
  return { points, needed: { contender: contender.id, label: contender.label, max: reached, largestTried, atLeast, bestPerSec: best, plateauMax: plateau?.max ?? null } };
}

/** Connections a contender holding one per request needs for 95 % of the bound: throughput × hold time. */
export function littlesLawFloor(bound: ConcurrencyBound): number {
  return Math.ceil(bound.targetPerSec * (bound.outsideCallMs / 1000));
}
