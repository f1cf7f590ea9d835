import type { Engine } from '../adapter.js';
import type { Logger } from '../logger.js';
import type { DestroyReason, PooledConnection, PoolObserver } from '../pool/pool-engine.js';
import { callerStack, leakWarning } from './leak-report.js';
import { acquireChannel, createChannel, destroyChannel, leakChannel, releaseChannel, timeoutChannel } from './pool-channels.js';

/** The pool's live numbers at a moment (for `unipool:timeout`). */
export interface PoolNumbers {
  readonly size: number;
  readonly inUse: number;
  readonly idle: number;
  readonly waiting: number;
}

/** What the observer of one pool needs to know. */
export interface DiagnosticsObserverOptions {
  readonly alias: string;
  readonly engine: Engine;
  readonly acquireTimeoutMs: number;
  readonly leakDetectionMs: number;
  /** Where leak warnings go (the registry's logger). */
  readonly logger: Logger;
  /** The pool's numbers now; read only when a timeout is published. */
  readonly numbers: () => PoolNumbers;
}

/**
 * The `PoolObserver` that turns pool events into `diagnostics_channel` messages and leak warnings.
 * Every method first checks its channel's `hasSubscribers`, so with nobody listening an event costs
 * a call and a boolean read; message objects are built only for subscribers. Leaks are always
 * logged (they are rare and are the point of `leakDetectionMs`).
 */
export class DiagnosticsObserver implements PoolObserver {
  readonly #alias: string;
  readonly #engine: Engine;
  readonly #acquireTimeoutMs: number;
  readonly #leakDetectionMs: number;
  readonly #logger: Logger;
  readonly #numbers: () => PoolNumbers;

  constructor(options: DiagnosticsObserverOptions) {
    this.#alias = options.alias;
    this.#engine = options.engine;
    this.#acquireTimeoutMs = options.acquireTimeoutMs;
    this.#leakDetectionMs = options.leakDetectionMs;
    this.#logger = options.logger;
    this.#numbers = options.numbers;
  }

  acquired(conn: PooledConnection<unknown>, waitMs: number): void {
    if (!acquireChannel.hasSubscribers) return;
    acquireChannel.publish({ alias: this.#alias, engine: this.#engine, connectionId: conn.id, uses: conn.uses, waitMs });
  }

  released(conn: PooledConnection<unknown>, holdMs: number): void {
    if (!releaseChannel.hasSubscribers) return;
    releaseChannel.publish({ alias: this.#alias, engine: this.#engine, connectionId: conn.id, uses: conn.uses, holdMs });
  }

  created(conn: PooledConnection<unknown>, createMs: number): void {
    if (!createChannel.hasSubscribers) return;
    createChannel.publish({ alias: this.#alias, engine: this.#engine, connectionId: conn.id, createMs });
  }

  connectFailed(error: unknown): void {
    if (!createChannel.hasSubscribers) return;
    createChannel.publish({ alias: this.#alias, engine: this.#engine, error });
  }

  destroyed(conn: PooledConnection<unknown>, reason: DestroyReason): void {
    if (!destroyChannel.hasSubscribers) return;
    destroyChannel.publish({ alias: this.#alias, engine: this.#engine, connectionId: conn.id, reason });
  }

  timedOut(error: Error): void {
    if (!timeoutChannel.hasSubscribers) return;
    const { size, inUse, idle, waiting } = this.#numbers();
    timeoutChannel.publish({ alias: this.#alias, engine: this.#engine, acquireTimeoutMs: this.#acquireTimeoutMs, size, inUse, idle, waiting, error });
  }

  leaked(conn: PooledConnection<unknown>, measuredMs: number, stack: string): void {
    // libuv checks timers against a loop time cached at the start of each turn, so the timer can
    // fire a fraction of a millisecond before performance.now() says the threshold has passed.
    const heldMs = Math.max(measuredMs, this.#leakDetectionMs);
    const trimmed = callerStack(stack);
    if (leakChannel.hasSubscribers) {
      leakChannel.publish({ alias: this.#alias, engine: this.#engine, connectionId: conn.id, uses: conn.uses, heldMs, leakDetectionMs: this.#leakDetectionMs, stack: trimmed });
    }
    // The engine's SafeObserver reports a logger that throws; nothing to guard here.
    this.#logger.warn(leakWarning(this.#alias, heldMs, this.#leakDetectionMs, trimmed));
  }
}
