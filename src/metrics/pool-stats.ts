/** A latency summary in milliseconds, from a bounded histogram. */
export interface DurationSummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Which server a pool talks to: the database itself, or one of its read replicas (`replicas`). */
export type PoolRole = 'primary' | 'replica';

/** `db.stats()`: the same fields on every engine. Counters are totals since the pool was created. */
export interface PoolStats {
  readonly alias: string;
  readonly engine: string;
  /** `'primary'` for the database's own pool, `'replica'` for a read replica's. */
  readonly role: PoolRole;
  /** A replica pool's server, `host:port` (replica pools only). */
  readonly replica?: string;
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
  /** Each read replica's pool, in config order (only on a database with `replicas`). */
  readonly replicas?: readonly ReplicaPoolStats[];
}

/** One read replica's pool in `db.stats().replicas`. */
export interface ReplicaPoolStats extends PoolStats {
  readonly role: 'replica';
  readonly replica: string;
  /** False while the replica is marked down (a connect failed or a connection broke) and reads go elsewhere. */
  readonly healthy: boolean;
  /** Times it was marked down since the pool was created. */
  readonly downs: number;
}
