import { Histogram } from '../../metrics/histogram.js';

/** One unit of work; `i` is a counter unique within the run (used as a query parameter or row id). */
export type BenchOp = (i: number) => Promise<unknown>;

/** What a closed-loop run measured (over its measurement window only). */
export interface LoopResult {
  /** Operations that completed inside the window. */
  readonly ops: number;
  /** Length of the window. */
  readonly elapsedMs: number;
  /** Operations that failed, warm-up included. */
  readonly errors: number;
  readonly firstError: string | undefined;
  /** Latency of each operation that completed inside the window. */
  readonly latency: Histogram;
  /** Client CPU time (user + system) spent during the window, in microseconds. */
  readonly cpuUs: number;
  /**
   * Loops that completed no operation inside the window: callers a pool starved. A fair (FIFO)
   * pool serves every loop about equally; an unfair one can post a higher throughput by letting a
   * few callers keep their connections while the others wait out the whole window.
   */
  readonly starvedLoops: number;
}

/** Options of `runClosedLoop`. */
export interface ClosedLoopOptions {
  /** Loops running at once: each starts its next operation when the previous one settles. */
  readonly concurrency: number;
  /** Length of the measurement window. */
  readonly durationMs: number;
  /** Run this long before the window opens, unmeasured (connections open, caches and JIT warm up, queues reach their steady state). */
  readonly warmupMs?: number;
  readonly op: BenchOp;
  /** Called when the window opens (samplers start here, so the start-up burst is not counted). */
  readonly onMeasureStart?: () => void;
  /** Called when the window closes (before the operations still running are awaited). */
  readonly onMeasureEnd?: () => void;
  /** Stop early (the whole run) after this many failed operations; default 100. */
  readonly maxErrors?: number;
  /** Record latencies here (to merge several runs); default: a new histogram. */
  readonly latency?: Histogram;
}

/**
 * Runs `concurrency` loops of `op` (a closed loop: the load adapts to the latency, as requests
 * behind a fixed number of workers do): `warmupMs` unmeasured, then a `durationMs` window in which
 * completions are counted. Operations still running when the window closes are awaited but not
 * counted, so a long queue draining afterwards does not dilute the throughput.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<LoopResult> {
  const { concurrency, durationMs, op } = options;
  const maxErrors = options.maxErrors ?? 100;
  const latency = options.latency ?? new Histogram();
  let ops = 0;
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  let measuring = false;
  let stopping = false;
  let windowStart = 0;
  let windowEnd = 0;
  let cpuStart = process.cpuUsage();
  let cpu = { user: 0, system: 0 };
  const plannedStart = performance.now() + Math.max(0, options.warmupMs ?? 0);
  const plannedEnd = plannedStart + durationMs;

  // The window's edges are checked on every completion rather than by timers: an operation that
  // never really waits (better-sqlite3 behind a promise) only yields to microtasks, and a timer
  // would never fire.
  const tick = (now: number): void => {
    if (!measuring && !stopping && now >= plannedStart) {
      windowStart = now;
      cpuStart = process.cpuUsage();
      measuring = true;
      options.onMeasureStart?.();
    }
    if (measuring && now >= plannedEnd) {
      windowEnd = now;
      cpu = process.cpuUsage(cpuStart);
      measuring = false;
      stopping = true;
      options.onMeasureEnd?.();
    }
  };

  let starvedLoops = 0;
  const loop = async (): Promise<void> => {
    let served = 0;
    for (let now = performance.now(); !stopping && errors < maxErrors; ) {
      tick(now);
      if (stopping) break;
      try {
        await op(next++);
        const end = performance.now();
        if (measuring && end < plannedEnd) {
          latency.record(end - now);
          ops += 1;
          served += 1;
        }
        now = end;
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
        now = performance.now();
      }
    }
    if (served === 0) starvedLoops += 1;
  };

  const loops: Promise<void>[] = [];
  for (let k = 0; k < concurrency; k++) loops.push(loop());
  await Promise.all(loops);
  // Every loop gave up on errors before the window closed: close it now.
  if (!stopping) {
    windowEnd = performance.now();
    if (!measuring) windowStart = windowEnd;
    cpu = process.cpuUsage(cpuStart);
  }
  return { ops, elapsedMs: Math.max(0, windowEnd - windowStart), errors, firstError, latency, cpuUs: cpu.user + cpu.system, starvedLoops };
}
