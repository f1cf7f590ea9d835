import { Histogram } from '../../metrics/histogram.js';
import type { ContenderResult } from './bench-result.js';
import type { BenchProgress } from './bench-progress.js';
import type { BenchOp } from './closed-loop.js';
import { formatRate } from './format-number.js';
import { measure, type Measurement } from './measure.js';
import type { ContenderSpec, PoolUnderTest } from './pool-under-test.js';
import type { ServerConnections } from './server-connections.js';

/** What `runRounds()` needs. */
export interface RoundsOptions {
  /** Display name of the workload, for progress lines: `W1 postgres`. */
  readonly name: string;
  readonly contenders: readonly ContenderSpec[];
  /** Id of the contender the ratios are relative to. */
  readonly baseline: string;
  readonly rounds: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly concurrency: number;
  readonly max: number;
  readonly op: (pool: PoolUnderTest) => BenchOp;
  readonly server?: ServerConnections | undefined;
  readonly progress: BenchProgress;
  /** What the progress lines call an operation's rate; default `ops/s`. */
  readonly unit?: string;
}

/**
 * Measures every contender `rounds` times, alternating the order (A B C, C B A, A B C…) so that
 * whatever else the machine is doing hits every contender alike, and a contender is never always
 * first (cold) or last. Ratios are taken within a round and the median kept, so one noisy round
 * does not decide them.
 */
export async function runRounds(options: RoundsOptions): Promise<ContenderResult[]> {
  const { contenders, rounds } = options;
  const measured = new Map<string, Measurement[]>(contenders.map((c) => [c.id, []]));
  const latency = new Map<string, Histogram>(contenders.map((c) => [c.id, new Histogram()]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const contender of order) {
      options.progress.start(`${options.name}: ${contender.label} (round ${round + 1}/${rounds})`, options.warmupMs + options.durationMs);
      const result = await measure({ ...options, contender, latency: latency.get(contender.id) });
      measured.get(contender.id)?.push(result);
      options.progress.finish(`${formatRate(opsPerSec(result))} ${options.unit ?? 'ops/s'}${result.errors > 0 ? `, ${result.errors} errors (${result.firstError ?? ''})` : ''}`);
    }
  }
  const baseline = measured.get(options.baseline);
  return contenders.map((contender) => summarize(contender, measured.get(contender.id) ?? [], latency.get(contender.id) ?? new Histogram(), contender.id === options.baseline ? undefined : baseline));
}

function opsPerSec(result: { readonly ops: number; readonly elapsedMs: number }): number {
  return result.elapsedMs > 0 ? (result.ops * 1000) / result.elapsedMs : 0;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function maxOrNull(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : Math.max(...present);
}

/** One contender's rounds folded into its result. */
export function summarize(contender: ContenderSpec, results: readonly Measurement[], latency: Histogram, baseline: readonly Measurement[] | undefined): ContenderResult {
  const ops = results.reduce((sum, r) => sum + r.ops, 0);
  const elapsedMs = results.reduce((sum, r) => sum + r.elapsedMs, 0);
  const cpuUs = results.reduce((sum, r) => sum + r.cpuUs, 0);
  const errors = results.reduce((sum, r) => sum + r.errors, 0);
  const ratios = baseline === undefined ? [] : results.flatMap((r, i) => {
    const base = baseline[i];
    return base === undefined || opsPerSec(base) === 0 ? [] : [opsPerSec(r) / opsPerSec(base)];
  });
  const firstError = results.find((r) => r.firstError !== undefined)?.firstError;
  return {
    id: contender.id,
    label: contender.label,
    ops,
    opsPerSec: elapsedMs > 0 ? (ops * 1000) / elapsedMs : 0,
    roundOpsPerSec: results.map(opsPerSec),
    ratio: ratios.length === 0 ? null : median(ratios),
    latencyMs: { p50: latency.quantile(0.5), p99: latency.quantile(0.99), mean: latency.count === 0 ? 0 : latency.sum / latency.count, max: latency.max },
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    cpuUsPerOp: ops > 0 ? cpuUs / ops : 0,
    peakInUse: Math.max(0, ...results.map((r) => r.peakInUse)),
    starvedLoops: Math.max(0, ...results.map((r) => r.starvedLoops)),
    peakServerConnections: maxOrNull(results.map((r) => r.peakServerConnections)),
    peakServerBusy: maxOrNull(results.map((r) => r.peakServerBusy)),
  };
}
