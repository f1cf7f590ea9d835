/** A latency summary in milliseconds, from a bounded histogram. */
export interface DurationSummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** `db.stats()`: the same fields on every engine. Counters are totals since the pool was created. */
export interface PoolStats {
  readonly alias: string;
  readonly engine: string;
  /** Open connections (idle + in use). */
  readonly size: number;
  readonly idle: number;
  readonly inUse: number;
  /** Callers waiting for a connection. */
  readonly waiting: number;
  readonly min: number;
  readonly max: number;
  readonly acquired: number;
  readonly released: number;
  readonly created: number;
  readonly destroyed: number;
  /** Acquires that hit acquireTimeoutMs. */
  readonly timeouts: number;
  /** Acquires refused at once (queue full, pool closed). */
  readonly rejected: number;
  /** Failed connection attempts. */
  readonly errors: number;
  /** Leases reported by leak detection. */
  readonly leaks: number;
  readonly waitMs: DurationSummary;
  readonly holdMs: DurationSummary;
  readonly createMs: DurationSummary;
}
