/** `ok`, `warning` (close to a limit, or advice worth acting on) or `error` (over a limit, unreachable). */
export type Verdict = 'ok' | 'warning' | 'error';

/** Above this share of the server's limit, `max × instances` is a warning. */
export const WARNING_SHARE = 0.8;

/**
 * Bursts on top of the average: Little's law gives the mean number of connections in use, and a
 * pool sized at the mean queues half the time. Two to three times the mean is the usual starting
 * point (docs/how-to/size-a-pool.md); we suggest the lower end and say so.
 */
export const BURST_HEADROOM = 2;

/** `pool.max × instances` against the server's connection limit. */
export interface LimitCheck {
  /** Connections the fleet may open: `pool.max × instances`. */
  readonly demand: number;
  readonly limit: number;
  /** `demand / limit`. */
  readonly share: number;
  readonly verdict: Verdict;
  /** The largest `pool.max` that keeps the fleet at or under `WARNING_SHARE` of the limit (at least 1). */
  readonly maxPerInstance: number;
}

/** Compares a fleet's `max × instances` with a server limit: over it is an error, above 80 % a warning. */
export function checkLimit(max: number, instances: number, limit: number): LimitCheck {
  const demand = max * instances;
  const share = limit > 0 ? demand / limit : Number.POSITIVE_INFINITY;
  const verdict: Verdict = share > 1 ? 'error' : share > WARNING_SHARE ? 'warning' : 'ok';
  const maxPerInstance = Math.max(1, Math.floor((limit * WARNING_SHARE) / instances));
  return { demand, limit, share, verdict, maxPerInstance };
}

/** Little's law (L = λ·W) applied to one instance's pool. */
export interface SizingAdvice {
  /** Requests per second across the fleet, as given with `--rate`. */
  readonly ratePerSecond: number;
  /** Milliseconds a request holds a connection, as given with `--hold-ms`. */
  readonly holdMs: number;
  readonly instances: number;
  /** Mean connections in use per instance: `rate / instances × holdMs / 1000`. */
  readonly averageInUse: number;
  /** `ceil(averageInUse × BURST_HEADROOM)`, at least 1. */
  readonly suggestedMax: number;
  /** The configured `pool.max` against the suggestion. */
  readonly verdict: Verdict;
  /** One sentence for the report. */
  readonly advice: string;
}

/**
 * Pool size from Little's law: with `rate` requests/s spread over `instances` and each holding a
 * connection `holdMs`, an instance has `rate / instances × holdMs / 1000` connections in use on
 * average. A `max` below that average means the queue grows without bound (warning); a `max` far
 * above the suggestion only costs server connections.
 */
export function sizePool(ratePerSecond: number, holdMs: number, instances: number, max: number): SizingAdvice {
  const averageInUse = ((ratePerSecond / instances) * holdMs) / 1000;
  const suggestedMax = Math.max(1, Math.ceil(averageInUse * BURST_HEADROOM));
  const average = formatCount(averageInUse);
  const basis = `${formatCount(ratePerSecond / instances)} req/s per instance × ${holdMs} ms held ≈ ${average} connections in use on average`;
  let verdict: Verdict = 'ok';
  let advice: string;
  if (max < averageInUse) {
    verdict = 'warning';
    advice = `${basis}, more than pool.max ${max}: requests will queue until they time out. Raise pool.max to about ${suggestedMax}, or shorten the time each request holds a connection.`;
  } else if (max < suggestedMax) {
    verdict = 'warning';
    advice = `${basis}; pool.max ${max} leaves little room for bursts — about ${suggestedMax} (${BURST_HEADROOM}× the average) is a safer start.`;
  } else if (max > suggestedMax * 4 && max - suggestedMax > 4) {
    advice = `${basis}; pool.max ${max} is generous — about ${suggestedMax} (${BURST_HEADROOM}× the average) would do and leaves server connections for other instances.`;
  } else {
    advice = `${basis}; pool.max ${max} covers it with headroom (suggested about ${suggestedMax}, ${BURST_HEADROOM}× the average).`;
  }
  return { ratePerSecond, holdMs, instances, averageInUse, suggestedMax, verdict, advice };
}

/** A count for humans: whole numbers as they are, others with two significant decimals at most. */
function formatCount(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value < 1 ? value.toPrecision(2) : value.toFixed(value < 10 ? 2 : 1)));
}
