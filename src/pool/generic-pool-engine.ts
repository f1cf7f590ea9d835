import type { ResolvedPoolOptions } from '../config/resolved-config.js';
import { PoolClosedError } from '../errors.js';
import { defaultLogger } from '../logger.js';
import type { PoolStats } from '../metrics/pool-stats.js';
import { acquireTimeoutError, connectFailedError, connectTimeoutError, foreignConnectionError, leaseReleasedError, queueFullError, type PoolCounts } from './acquire-errors.js';
import { closeTimeoutMs, MAX_TIMER_MS } from './close-timeout.js';
import { Connector } from './connector.js';
import { InnerPool } from './inner-pool.js';
import { LeakDetector, type AcquireSite } from './leak-detector.js';
import { PoolCounters, type PoolIdentity } from './pool-counters.js';
import type { AcquireTicket, ConnectionFactory, DestroyReason, PoolEngine, PoolEngineOptions, PoolHistograms } from './pool-engine.js';
import { PooledConnection } from './pooled-connection.js';
import { Retirement } from './retirement.js';
import { SafeObserver } from './safe-observer.js';
import { WaitTimeout, type Waiter } from './waiting-queue.js';
import { settledWithin } from './settled-within.js';

export { DEFAULT_CLOSE_TIMEOUT_MS } from './close-timeout.js';

/** The engine's side of a waiting caller. */
interface WaiterHooks<C> {
  /** Bookkeeping of the checkout; a `PoolClosedError` (to reject with) when the pool began closing. */
  lent(record: PooledConnection<C>, startedAt: number, site: AcquireSite | undefined, now: number | undefined): PooledConnection<C> | PoolClosedError;
  failed(error: unknown): unknown;
  /** Takes the waiter out of the queue. */
  cancel(waiter: AcquireWaiter<C>): void;
}

/** A caller of `acquire()` waiting in the inner pool's queue: a record, not closures (one per waiting query). */
class AcquireWaiter<C> implements Waiter<PooledConnection<C>>, AcquireTicket {
  cancelled = false;
  #settled = false;
  readonly #hooks: WaiterHooks<C>;
  readonly #startedAt: number;
  readonly deadline: number;
  readonly #site: AcquireSite | undefined;
  readonly #resolve: (record: PooledConnection<C>) => void;
  readonly #reject: (error: unknown) => void;

  constructor(hooks: WaiterHooks<C>, startedAt: number, deadline: number, site: AcquireSite | undefined, resolve: (record: PooledConnection<C>) => void, reject: (error: unknown) => void) {
    this.#hooks = hooks;
    this.#startedAt = startedAt;
    this.deadline = deadline;
    this.#site = site;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  serve(record: PooledConnection<C>, now?: number): void {
    this.#settled = true;
    const lent = this.#hooks.lent(record, this.#startedAt, this.#site, now);
    if (lent instanceof PoolClosedError) this.#reject(lent);
    else this.#resolve(lent);
  }

  fail(error: unknown): void {
    this.#settled = true;
    this.#reject(this.#hooks.failed(error));
  }

  cancel(): boolean {
    if (this.#settled || this.cancelled) return false;
    this.#settled = true;
    this.#hooks.cancel(this);
    return true;
  }
}

/**
 * The pool engine over generic-pool 3.9.0, with what generic-pool lacks or gets wrong: an acquire
 * timeout that always applies and names its cause, backoff on failing connects, connect timeouts,
 * idle eviction that respects `min`, lifetime with jitter, `maxUses`, ping after idle, a queue
 * limit, leak detection, histograms and a bounded `close()`. See docs/explanation/pool-engine.md.
 */
export class GenericPoolEngine<C> implements PoolEngine<C> {
  readonly #alias: string;
  readonly #identity: PoolIdentity;
  readonly #pool: ResolvedPoolOptions;
  readonly #factory: ConnectionFactory<C>;
  readonly #now: () => number;
  readonly #observer: SafeObserver;
  readonly #retirement: Retirement;
  readonly #connector: Connector<C>;
  readonly #inner: InnerPool<PooledConnection<C>>;
  readonly #counters = new PoolCounters();
  /** Destroys in flight, awaited by close(). */
  readonly #destroying = new Set<Promise<void>>();
  readonly #sweepTimer: ReturnType<typeof setInterval> | undefined;
  readonly #leaks: LeakDetector;
  /** Never 0: an acquire always has a timeout. */
  readonly #acquireTimeoutMs: number;
  #nextId = 1;
  #state: 'open' | 'closing' | 'closed' = 'open';
  #closePromise: Promise<void> | undefined = undefined;
  /** What a waiting caller calls back into (one object per engine, not closures per caller). */
  readonly #waiterHooks: WaiterHooks<C> = {
    lent: (record, startedAt, site, now) => (this.#state === 'open' ? this.#lent(record, startedAt, site, now) : this.#refuseLate(record)),
    failed: (error) => this.#acquireFailed(error),
    cancel: (waiter) => this.#inner.cancel(waiter),
  };
  /** While close() waits for connections to come back: resolves that wait. */
  #drained: (() => void) | undefined = undefined;

  constructor(options: PoolEngineOptions<C>) {
    this.#alias = options.alias;
    this.#identity = { alias: options.alias, engine: options.engine, role: options.role ?? 'primary', replica: options.replica, min: options.pool.min, max: options.pool.max };
    this.#pool = options.pool;
    this.#factory = options.factory;
    this.#now = options.now ?? (() => performance.now());
    this.#acquireTimeoutMs = Math.max(1, options.pool.acquireTimeoutMs);
    const random = options.random ?? Math.random;
    this.#observer = new SafeObserver(options.observer, options.alias, options.logger ?? defaultLogger);
    this.#leaks = new LeakDetector(options.alias, options.pool.leakDetectionMs, this.#now, (record, heldMs, stack) => {
      this.#counters.leaks += 1;
      this.#observer.leaked(record, heldMs, stack);
    });
    this.#retirement = new Retirement(options.pool, random);
    const createTimeoutMs = options.factory.createTimeoutMs ?? options.pool.connectTimeoutMs;
    this.#connector = new Connector<C>({
      factory: options.factory,
      connectTimeoutMs: createTimeoutMs,
      now: this.#now,
      random,
      timeoutError: () => connectTimeoutError(options.alias, options.pool.connectTimeoutMs, createTimeoutMs),
      closedError: () => new PoolClosedError(options.alias),
    });
    this.#inner = new InnerPool<PooledConnection<C>>(
      {
        create: () => this.#create(),
        destroy: (record) => this.#destroyHook(record),
        validate: (record) => this.#validateOnBorrow(record),
        ready: (record, now) => this.#readyToLend(record, now),
      },
      { min: options.pool.min, max: options.pool.max, acquireTimeoutMs: this.#acquireTimeoutMs, fifo: options.pool.order === 'fifo' },
      () => this.#onCreateError(),
      this.#now,
    );
    const sweepMs = this.#retirement.sweepIntervalMs();
    if (sweepMs > 0) {
      this.#sweepTimer = setInterval(() => this.#sweep(), sweepMs);
      this.#sweepTimer.unref();
    }
    // Warm-up starts on the next microtask, so whoever built the engine has finished wiring it
    // (factory closures, observers) before the first create runs; an early acquire starts it anyway.
    queueMicrotask(() => {
      if (this.#state === 'open') this.#inner.start();
    });
  }

  get closed(): boolean {
    return this.#state !== 'open';
  }

  acquire(): Promise<PooledConnection<C>> {
    return new Promise((resolve, reject) => this.#acquire(resolve, reject, GenericPoolEngine.prototype.acquire));
  }

  acquireWith(use: (conn: PooledConnection<C>) => void, fail: (error: unknown) => void): AcquireTicket | undefined {
    return this.#acquire(use, fail, GenericPoolEngine.prototype.acquireWith);
  }

  /**
   * Both acquires: `lend` is called with the connection (at once, or when one is freed), `fail` with
   * why none came. Returns the queued waiter, which the caller may cancel; undefined when it was
   * answered at once.
   */
  #acquire(lend: (record: PooledConnection<C>) => void, fail: (error: unknown) => void, above: (...args: never[]) => unknown): AcquireWaiter<C> | undefined {
    if (this.#state !== 'open') {
      this.#counters.rejected += 1;
      fail(new PoolClosedError(this.#alias));
      return undefined;
    }
    const maxWaiting = this.#pool.maxWaiting;
    if (maxWaiting !== null && this.#inner.idle === 0 && this.#inner.spareCapacity < 1 && this.#inner.waiting >= maxWaiting) {
      this.#counters.rejected += 1;
      fail(queueFullError(this.#alias, maxWaiting, this.#counts()));
      return undefined;
    }
    const startedAt = this.#now();
    const site = this.#leaks.capture(above);
    const idle = this.#inner.acquireIdleNow(startedAt);
    if (idle !== undefined) {
      lend(this.#lent(idle, startedAt, site, startedAt));
      return undefined;
    }
    const waiter = new AcquireWaiter(this.#waiterHooks, startedAt, startedAt + this.#acquireTimeoutMs, site, lend, fail);
    this.#inner.wait(waiter);
    return waiter;
  }

  acquireNow(): PooledConnection<C> | undefined {
    if (this.#state !== 'open') return undefined;
    // One clock reading for the readiness check and the checkout (each costs ~50 ns on a busy VM).
    const now = this.#now();
    const idle = this.#inner.acquireIdleNow(now);
    if (idle === undefined) return undefined;
    return this.#lent(idle, now, this.#leaks.capture(GenericPoolEngine.prototype.acquireNow), now);
  }

  release(conn: PooledConnection<C>): void {
    const record = this.#own(conn, 'release');
    if (record.state !== 'in-use') {
      if (record.state === 'forced') return; // close() already took it back
      throw leaseReleasedError(this.#alias, record.id, 'release');
    }
    const now = this.#now();
    this.#endLease(record, now);
    const reason = this.#state !== 'open' ? 'closed' : this.#retirement.onRelease(record, now);
    if (reason === undefined) {
      record.checkIn(now);
      this.#inner.release(record, now);
    } else {
      record.retire(reason);
      this.#inner.destroy(record);
    }
  }

  destroy(conn: PooledConnection<C>, reason: DestroyReason): void {
    const record = this.#own(conn, 'destroy');
    if (record.state !== 'in-use') {
      if (record.state === 'forced') return;
      throw leaseReleasedError(this.#alias, record.id, 'destroy');
    }
    this.#endLease(record, this.#now());
    record.retire(reason);
    this.#inner.destroy(record);
  }

  stats(): PoolStats {
    return this.#counters.snapshot(this.#identity, this.#counts());
  }

  histograms(): PoolHistograms {
    return this.#counters.histograms();
  }

  close(options?: { timeoutMs?: number }): Promise<void> {
    if (this.#closePromise === undefined) {
      let timeoutMs: number;
      try {
        timeoutMs = closeTimeoutMs(this.#alias, options);
      } catch (error) {
        // Rejected before anything changed: the pool stays open and a valid close() still works.
        return Promise.reject(error);
      }
      this.#state = 'closing';
      this.#closePromise = this.#shutDown(timeoutMs);
    }
    return this.#closePromise;
  }

  /** A connection handed to a waiter just as close() began: close() wants every connection back, so close it. */
  #refuseLate(record: PooledConnection<C>): PoolClosedError {
    this.#counters.rejected += 1;
    record.retire('closed');
    this.#inner.destroy(record);
    return new PoolClosedError(this.#alias);
  }

  /** Bookkeeping of a checkout the inner pool has just lent. */
  #lent(record: PooledConnection<C>, startedAt: number, site: AcquireSite | undefined, now = this.#now()): PooledConnection<C> {
    record.checkOut(now);
    this.#counters.acquired += 1;
    const waitMs = now - startedAt;
    this.#counters.waitMs.record(waitMs);
    if (site !== undefined) this.#leaks.arm(record, site);
    this.#observer.acquired(record, waitMs);
    return record;
  }

  #acquireFailed(error: unknown): unknown {
    if (this.#state !== 'open') {
      this.#counters.rejected += 1;
      return new PoolClosedError(this.#alias);
    }
    if (error instanceof WaitTimeout) {
      this.#counters.timeouts += 1;
      const counts = this.#counts();
      const timeout = acquireTimeoutError(this.#alias, this.#acquireTimeoutMs, { ...counts, waiting: Math.max(counts.waiting, error.waiting) }, this.#connector.lastError);
      this.#observer.timedOut(timeout);
      return timeout;
    }
    return error;
  }

  #endLease(record: PooledConnection<C>, now: number): void {
    this.#counters.released += 1;
    const holdMs = now - record.acquiredAt;
    this.#counters.holdMs.record(holdMs);
    this.#leaks.disarm(record);
    this.#observer.released(record, holdMs);
  }

  async #create(): Promise<PooledConnection<C>> {
    let opened;
    try {
      opened = await this.#connector.open();
    } catch (error) {
      if (this.#state === 'open') {
        this.#counters.errors += 1;
        this.#observer.connectFailed(error);
        this.#answerWaiting(error);
      }
      throw error;
    }
    const now = this.#now();
    const record = new PooledConnection(this, opened.raw, this.#nextId++, now, this.#retirement.retireAt(now));
    this.#counters.created += 1;
    this.#counters.createMs.record(opened.createMs);
    this.#observer.created(record, opened.createMs);
    if (this.#state !== 'open') {
      // It connected just as close() began: close it instead of handing it to generic-pool.
      record.retire('closed');
      void this.#destroyHook(record);
      throw new PoolClosedError(this.#alias);
    }
    return record;
  }

  /**
   * A create failed. If waiting cannot help — the error will repeat (bad password, unknown database,
   * missing driver), or the server is unreachable and no connection is open that a release could
   * hand on — every waiting caller gets `UNIPOOL_CONNECT_FAILED` now rather than
   * `UNIPOOL_ACQUIRE_TIMEOUT` after acquireTimeoutMs. Callers that come later wait for the next
   * attempt (after the backoff delay), so the pool notices when the fault is fixed.
   */
  #answerWaiting(error: unknown): void {
    if (this.#inner.waiting === 0) return;
    const permanent = this.#factory.isPermanentFailure?.(error) === true;
    if (!permanent && this.#inner.size > 0) return;
    this.#inner.rejectWaiting(connectFailedError(this.#alias, error, permanent));
  }

  #onCreateError(): void {
    // generic-pool only refills `min` when something is destroyed; after a failed create nothing
    // would, so ask again. The connector's backoff paces the retries.
    if (this.#state === 'open') this.#inner.ensureMinimum();
  }

  #destroyHook(record: PooledConnection<C>): Promise<void> {
    if (record.destroyReason === undefined) record.retire('closed');
    this.#leaks.disarm(record);
    this.#counters.destroyed += 1;
    this.#observer.destroyed(record, record.destroyReason ?? 'closed');
    // Bounded so a driver whose close hangs cannot hold close() forever; never rejects, so
    // generic-pool has no destroy error to drop.
    const done = settledWithin(() => this.#factory.destroy(record.raw), this.#pool.connectTimeoutMs).then(() => {
      this.#destroying.delete(done);
    });
    this.#destroying.add(done);
    this.#checkDrained();
    return done;
  }

  #validateOnBorrow(record: PooledConnection<C>): boolean | Promise<boolean> {
    if (this.#state !== 'open') {
      record.retire('closed');
      return false;
    }
    const now = this.#now();
    if (this.#retirement.expired(record, now)) {
      record.retire('lifetime');
      return false;
    }
    if (now - record.idleSince < this.#pool.validateAfterIdleMs) return true;
    return this.#ping(record);
  }

  /** What `#validateOnBorrow` would approve without a ping or a retirement (and without side effects). */
  #readyToLend(record: PooledConnection<C>, now = this.#now()): boolean {
    if (this.#state !== 'open') return false;
    return !this.#retirement.expired(record, now) && now - record.idleSince < this.#pool.validateAfterIdleMs;
  }

  async #ping(record: PooledConnection<C>): Promise<boolean> {
    const alive = await settledWithin(() => this.#factory.ping(record.raw), this.#pool.connectTimeoutMs);
    if (this.#state !== 'open') {
      record.retire('closed');
      return false;
    }
    if (!alive) {
      // The inner pool destroys it and serves the waiter with another connection, still within
      // that waiter's acquire timeout.
      record.retire('validation');
      return false;
    }
    return true;
  }

  #sweep(): void {
    if (this.#state !== 'open') return;
    const now = this.#now();
    this.#inner.evictIdle((record) => {
      const reason = this.#retirement.whileIdle(record, now, this.#inner.size);
      if (reason === undefined) return false;
      record.retire(reason);
      return true;
    });
    this.#inner.ensureMinimum();
  }

  async #shutDown(timeoutMs: number): Promise<void> {
    if (this.#sweepTimer !== undefined) clearInterval(this.#sweepTimer);
    // Order matters: the inner pool stops dispatching and waiting callers leave the queue before
    // creates are cancelled, or each cancelled create would be answered by another for them.
    this.#inner.stop();
    this.#inner.rejectWaiting(new PoolClosedError(this.#alias));
    this.#connector.close();
    await this.#inner.createsSettled();
    this.#inner.destroyIdle();
    await this.#returned(timeoutMs);
    while (this.#destroying.size > 0) await Promise.all([...this.#destroying]);
    this.#state = 'closed';
  }

  /** Resolves when every connection is closed; after `timeoutMs`, closes those still checked out. */
  #returned(timeoutMs: number): Promise<void> {
    if (this.#inner.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      // Beyond a timer's range (Infinity included) Node would fire after 1 ms: wait without a timer.
      const timer = timeoutMs <= MAX_TIMER_MS ? setTimeout(() => this.#force(), timeoutMs) : undefined;
      timer?.unref();
      this.#drained = () => {
        clearTimeout(timer);
        this.#drained = undefined;
        resolve();
      };
    });
  }

  #checkDrained(): void {
    if (this.#drained !== undefined && this.#inner.size === 0) this.#drained();
  }

  #force(): void {
    for (const record of this.#inner.borrowed()) {
      if (record.state !== 'in-use') continue;
      record.retire('forced');
      this.#inner.destroy(record);
    }
    // Connections being pinged are not on loan; they are closed when their ping settles.
  }

  #own(conn: PooledConnection<C>, action: 'release' | 'destroy'): PooledConnection<C> {
    if (conn instanceof PooledConnection && conn.owner === this) return conn as PooledConnection<C>;
    throw foreignConnectionError(this.#alias, action);
  }

  #counts(): PoolCounts {
    const size = this.#inner.size;
    const idle = this.#inner.idle;
    return { size, inUse: size - idle, idle, waiting: this.#inner.waiting };
  }
}
