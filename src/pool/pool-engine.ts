import type { ResolvedPoolOptions } from '../config/resolved-config.js';
import type { Logger } from '../logger.js';
import type { DurationHistogram } from '../metrics/histogram.js';
import type { PoolRole, PoolStats } from '../metrics/pool-stats.js';

import type { PooledConnection } from './pooled-connection.js';

export type { PooledConnection } from './pooled-connection.js';

/** How the engine opens, closes and checks connections (built by the core from an adapter). */
export interface ConnectionFactory<C> {
  create(): Promise<C>;
  destroy(conn: C): Promise<void>;
  /** Round trip used by `validateAfterIdleMs`; rejects when the connection is dead. */
  ping(conn: C): Promise<void>;
  /**
   * True when a `create()` error will repeat until something is changed (bad password, unknown
   * database…): every waiting caller is then answered at once. Absent: every failure is transient.
   */
  isPermanentFailure?(error: unknown): boolean;
  /**
   * Longest one `create()` may take, when it is more than one connect (several hosts tried in turn,
   * each within `connectTimeoutMs`). Absent: `connectTimeoutMs`.
   */
  readonly createTimeoutMs?: number;
}

/** Optional observers of pool activity; every method is a no-op when absent, and may never throw into the pool. */
export interface PoolObserver {
  acquired?(conn: PooledConnection<unknown>, waitMs: number): void;
  released?(conn: PooledConnection<unknown>, holdMs: number): void;
  created?(conn: PooledConnection<unknown>, createMs: number): void;
  destroyed?(conn: PooledConnection<unknown>, reason: DestroyReason): void;
  timedOut?(error: Error): void;
  connectFailed?(error: unknown): void;
  /** A lease has been out longer than `leakDetectionMs` (reported once per lease); `stack` is where it was acquired. */
  leaked?(conn: PooledConnection<unknown>, heldMs: number, stack: string): void;
}

/** Why a connection left the pool. */
export type DestroyReason = 'idle' | 'lifetime' | 'max-uses' | 'validation' | 'broken' | 'bad-state' | 'closed' | 'forced';

export interface PoolEngineOptions<C> {
  readonly alias: string;
  readonly engine: string;
  /** What the pool serves, for stats and metrics: the database itself (default) or one of its read replicas. */
  readonly role?: PoolRole;
  /** A replica pool's server (`host:port`), for stats and metrics. */
  readonly replica?: string;
  readonly pool: ResolvedPoolOptions;
  readonly factory: ConnectionFactory<C>;
  readonly observer?: PoolObserver;
  /** Monotonic milliseconds; injectable for tests. Defaults to `performance.now()`. */
  readonly now?: () => number;
  /** Uniform random numbers in [0, 1) for lifetime and backoff jitter; injectable for tests. Defaults to `Math.random`. */
  readonly random?: () => number;
  /** Where observer failures are reported. Defaults to a process warning. */
  readonly logger?: Logger;
}

/** The histograms behind `PoolStats.waitMs`/`holdMs`/`createMs`, for exporters that need buckets. */
export interface PoolHistograms {
  readonly waitMs: DurationHistogram;
  readonly holdMs: DurationHistogram;
  readonly createMs: DurationHistogram;
}

/**
 * The pool engine behind every database. The default implementation wraps `generic-pool`; the
 * interface keeps it replaceable.
 */
/** A caller queued by `acquireWith()`. */
export interface AcquireTicket {
  /**
   * Leaves the queue: the caller will be neither served nor failed. False when it is no longer
   * queued (already served, failed or cancelled).
   */
  cancel(): boolean;
}

export interface PoolEngine<C> {
  /**
   * Resolves a connection that is checked out; rejects with `UNIPOOL_ACQUIRE_TIMEOUT`,
   * `UNIPOOL_QUEUE_FULL`, `UNIPOOL_POOL_CLOSED`, or `UNIPOOL_CONNECT_FAILED` when opening the
   * connection it waits for failed permanently, or failed while no connection is open.
   */
  acquire(): Promise<PooledConnection<C>>;
  /**
   * `acquire()` without a promise: `use` is called with the checked-out connection — at once when
   * one is idle, otherwise from inside the `release()` that frees one (so a synchronous driver can
   * run its statement and give the connection back before anyone else is served) — or `fail` with
   * the error `acquire()` would reject with. Optional: engines without it are driven by `acquire()`.
   */
  acquireWith?(use: (conn: PooledConnection<C>) => void, fail: (error: unknown) => void): AcquireTicket | undefined | void;
  /** An idle connection lent at once (no promise), when one is ready and nobody is waiting; otherwise undefined — then `acquire()`. */
  acquireNow(): PooledConnection<C> | undefined;
  /** Return a healthy, idle (not in a transaction, already reset) connection. A second release throws `UNIPOOL_LEASE_RELEASED`. */
  release(conn: PooledConnection<C>): void;
  /** Remove a checked-out connection from the pool and close it in the background. */
  destroy(conn: PooledConnection<C>, reason: DestroyReason): void;
  /** Counters and histograms. */
  stats(): PoolStats;
  /** The live histograms (Prometheus buckets, sums); optional so test doubles need not provide it. */
  histograms?(): PoolHistograms;
  /** Reject new work, wait up to `timeoutMs` for checked-out connections, then destroy the rest. */
  close(options?: { timeoutMs?: number }): Promise<void>;
  readonly closed: boolean;
}
