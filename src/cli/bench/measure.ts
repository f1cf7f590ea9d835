import type { Histogram } from '../../metrics/histogram.js';
import type { BenchOp, LoopResult } from './closed-loop.js';
import { runClosedLoop } from './closed-loop.js';
import { PeakSampler } from './peak-sampler.js';
import type { ContenderSpec, PoolUnderTest } from './pool-under-test.js';
import type { ServerConnections } from './server-connections.js';

/** How often the pool's own in-use count is sampled. */
const IN_USE_SAMPLE_MS = 10;
/** How often the server is asked (a query each time: kept rare so it does not load the server). */
const SERVER_SAMPLE_MS = 100;

/** One measurement of one contender. */
export interface Measurement extends LoopResult {
  readonly peakInUse: number;
  readonly peakServerConnections: number | null;
  readonly peakServerBusy: number | null;
}

/** What `measure()` needs. */
export interface MeasureOptions {
  readonly contender: ContenderSpec;
  readonly max: number;
  readonly concurrency: number;
  readonly durationMs: number;
  /** Run the workload this long first, unmeasured: connections open, statements get prepared, JIT warms. */
  readonly warmupMs: number;
  readonly op: (pool: PoolUnderTest) => BenchOp;
  readonly server?: ServerConnections | undefined;
  /** Record latencies here (to merge rounds). */
  readonly latency?: Histogram;
}

/** Tag the server lists a contender's connections under: unique per process and contender. */
export function serverTag(contenderId: string): string {
  return `unipool-bench-${process.pid}-${contenderId}`.slice(0, 63);
}

/**
 * Opens a fresh pool of the contender, warms it up, measures it (with the in-use and server samplers
 * running) and closes it again — so no contender's idle connections are counted in another's run.
 */
export async function measure(options: MeasureOptions): Promise<Measurement> {
  const { contender, max, concurrency, server } = options;
  const tag = serverTag(contender.id);
  const pool = await contender.open({ max, tag });
  try {
    const inUse = new PeakSampler(() => ({ inUse: pool.inUse() }), IN_USE_SAMPLE_MS);
    const serverSampler = server === undefined ? undefined : new PeakSampler(() => server.count(tag), SERVER_SAMPLE_MS);
    let stopped: Promise<[Partial<Record<'inUse', number>>, Partial<Record<'open' | 'busy', number>> | undefined]> | undefined;
    const result = await runClosedLoop({
      concurrency,
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
      op: options.op(pool),
      // Peaks are taken in the steady state: the first instant, when every loop asks at once, is warm-up.
      onMeasureStart: () => {
        inUse.start();
        serverSampler?.start();
      },
      onMeasureEnd: () => {
        stopped = Promise.all([inUse.stop(), serverSampler?.stop()]);
      },
      ...(options.latency === undefined ? {} : { latency: options.latency }),
    });
    const [peaks, serverPeaks] = await (stopped ?? Promise.all([inUse.stop(), serverSampler?.stop()]));
    return {
      ...result,
      peakInUse: peaks.inUse ?? 0,
      peakServerConnections: serverPeaks?.open ?? null,
      peakServerBusy: serverPeaks?.busy ?? null,
    };
  } finally {
    await pool.close();
  }
}
