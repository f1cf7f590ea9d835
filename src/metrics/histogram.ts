import type { DurationSummary } from './pool-stats.js';

/*
 * Log-linear buckets in the style of HdrHistogram: values are counted in whole microseconds; below
 * 32 µs every microsecond has its own bucket, above it every power of two is split into 32 equal
 * buckets. A bucket is therefore at most 1/32 (3.1 %) as wide as the values in it, and a quantile is
 * reported as the middle of its bucket, so it is within about 1.6 % of the true value. The array is
 * allocated once (1024 buckets, 8 KiB); recording is a few integer operations and never allocates.
 */
const SUB_BUCKET_BITS = 5;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS; // 32
/** Octaves above the linear range: values up to 2^36 µs (about 19 hours) get their own bucket. */
const OCTAVES = 31;
const BUCKETS = SUB_BUCKETS + OCTAVES * SUB_BUCKETS; // 1024
const MAX_TRACKED_US = 2 ** (SUB_BUCKET_BITS + OCTAVES) - 1;
const TWO_32 = 2 ** 32;
const TWO_31 = 2 ** 31;

/** Read-only view of a histogram, for exporters (Prometheus buckets need counts at fixed bounds). */
export interface DurationHistogram {
  /** Values recorded. */
  readonly count: number;
  /** Sum of the values, in milliseconds. */
  readonly sum: number;
  /** Largest value recorded (exact), in milliseconds; 0 when empty. */
  readonly max: number;
  /** Values at most `ms` (approximate: a bucket straddling `ms` counts as below it; error ≤ 3.1 % of `ms`). */
  countAtMost(ms: number): number;
  /** The value at quantile `q` (0…1), in milliseconds, within about 1.6 %; 0 when empty. */
  quantile(q: number): number;
  /** `{ count, p50, p95, p99, max }` for `PoolStats`. */
  summary(): DurationSummary;
}

/** Floor of log2 for a positive integer below 2^53, without allocating. */
function log2Floor(value: number): number {
  return value < TWO_32 ? 31 - Math.clz32(value) : 63 - Math.clz32(Math.floor(value / TWO_32));
}

/** Bucket index of a value in whole microseconds. */
function bucketOf(us: number): number {
  if (us < SUB_BUCKETS) return us;
  if (us < TWO_31) {
    // The common case (under 35 minutes) in 32-bit integer operations.
    const shift = 31 - Math.clz32(us) - SUB_BUCKET_BITS;
    return SUB_BUCKETS + shift * SUB_BUCKETS + ((us >> shift) - SUB_BUCKETS);
  }
  const exponent = log2Floor(us);
  const shift = exponent - SUB_BUCKET_BITS;
  // Math.floor instead of `>>` because values can exceed 32 bits.
  const sub = Math.floor(us / 2 ** shift) - SUB_BUCKETS;
  return SUB_BUCKETS + shift * SUB_BUCKETS + sub;
}

/** Middle of a bucket, in microseconds. */
function bucketMiddleUs(index: number): number {
  if (index < SUB_BUCKETS) return index + 0.5;
  const shift = Math.floor((index - SUB_BUCKETS) / SUB_BUCKETS);
  const sub = (index - SUB_BUCKETS) % SUB_BUCKETS;
  const width = 2 ** shift;
  return (SUB_BUCKETS + sub) * width + width / 2;
}

/**
 * A bounded-memory latency histogram in milliseconds: O(1) `record`, quantiles within about 1.6 %.
 *
 * @example
 * const waits = new Histogram();
 * waits.record(12.5);
 * waits.summary(); // { count: 1, p50: 12.5, p95: 12.5, p99: 12.5, max: 12.5 }
 */
export class Histogram implements DurationHistogram {
  readonly #counts = new Float64Array(BUCKETS);
  #count = 0;
  #sum = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = 0;

  /** Record one duration in milliseconds. Negative or non-finite values count as 0. */
  record(ms: number): void {
    const value = ms > 0 && ms < Number.POSITIVE_INFINITY ? ms : 0;
    const us = Math.min(Math.floor(value * 1000), MAX_TRACKED_US);
    this.#counts[bucketOf(us)]! += 1;
    this.#count += 1;
    this.#sum += value;
    if (value > this.#max) this.#max = value;
    if (value < this.#min) this.#min = value;
  }

  get count(): number {
    return this.#count;
  }

  get sum(): number {
    return this.#sum;
  }

  get max(): number {
    return this.#max;
  }

  countAtMost(ms: number): number {
    if (!(ms >= 0)) return 0;
    if (ms >= this.#max) return this.#count;
    const last = bucketOf(Math.min(Math.floor(ms * 1000), MAX_TRACKED_US));
    let total = 0;
    for (let index = 0; index <= last; index++) total += this.#counts[index]!;
    return total;
  }

  quantile(q: number): number {
    if (this.#count === 0) return 0;
    if (q >= 1) return this.#max;
    const rank = Math.max(1, Math.ceil(Math.max(0, q) * this.#count));
    let seen = 0;
    for (let index = 0; index < BUCKETS; index++) {
      seen += this.#counts[index]!;
      if (seen >= rank) {
        // Clamping to the exact extremes keeps a one-valued histogram exact.
        return Math.min(this.#max, Math.max(this.#min, bucketMiddleUs(index) / 1000));
      }
    }
    return this.#max;
  }

  summary(): DurationSummary {
    return {
      count: this.#count,
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
      max: this.#max,
    };
  }

  /** Forget every value. */
  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#sum = 0;
    this.#min = Number.POSITIVE_INFINITY;
    this.#max = 0;
  }
}
