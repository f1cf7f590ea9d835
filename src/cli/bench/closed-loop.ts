import { Histogram } from '../../metrics/histogram.js';

/** One unit of work; `i` is a counter unique within the run (used as a query parameter or row id). */
export type BenchOp = (i: number) => Promise<unknown>;

/** What a closed-loop run measured. */
export interface LoopResult {
  readonly ops: number;
  readonly elapsedMs: number;
  readonly errors: number;
  readonly firstError: string | undefined;
  /** Latency of each completed operation. */
  readonly latency: Histogram;
  /** Client CPU time (user + system) spent during the run, in microseconds. */
  readonly cpuUs: number;
}

/** Options of `runClosedLoop`. */
export interface ClosedLoopOptions {
  /** Loops running at once: each starts its next operation when the previous one settles. */
  readonly concurrency: number;
  readonly durationMs: number;
  readonly op: BenchOp;
  /** Stop early (the whole run) after this many failed operations; default 100. */
  readonly maxErrors?: number;
  /** Record latencies here (to merge several runs); default: a new histogram. */
  readonly latency?: Histogram;
}

/**
 * Runs `concurrency` loops of `op` for `durationMs` (a closed loop: the load adapts to the
 * latency, as requests behind a fixed number of workers do). An operation started before the
 * deadline is allowed to finish and is counted; the elapsed time runs until the last one settles.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<LoopResult> {
  const { concurrency, durationMs, op } = options;
  const maxErrors = options.maxErrors ?? 100;
  const latency = options.latency ?? new Histogram();
  let ops = 0;
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const deadline = startedAt + durationMs;

  const loop = async (): Promise<void> => {
    for (let now = performance.now(); now < deadline && errors < maxErrors; ) {
      try {
        await op(next++);
        const end = performance.now();
        latency.record(end - now);
        ops += 1;
        now = end;
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
        now = performance.now();
      }
    }
  };

  const loops: Promise<void>[] = [];
  for (let k = 0; k < concurrency; k++) loops.push(loop());
  await Promise.all(loops);
  const elapsedMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  return { ops, elapsedMs, errors, firstError, latency, cpuUs: cpu.user + cpu.system };
}
