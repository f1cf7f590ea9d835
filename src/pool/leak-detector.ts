import type { PooledConnection } from './pooled-connection.js';

/** Where a lease was acquired: an object whose `stack` V8 formats lazily, on first read. */
export interface AcquireSite {
  readonly stack?: string;
}

/** Frames kept: the core adds a few of its own between the caller and the engine. */
const STACK_FRAMES = 25;

/**
 * `leakDetectionMs`: remembers where each lease was acquired and reports, once, a lease still out
 * after the threshold. Off (threshold 0) it captures nothing and arms no timer, so the default
 * acquire pays nothing for it.
 */
export class LeakDetector {
  readonly #thresholdMs: number;
  readonly #message: string;
  readonly #now: () => number;
  readonly #report: (record: PooledConnection<unknown>, heldMs: number, stack: string) => void;

  constructor(
    alias: string,
    thresholdMs: number,
    now: () => number,
    report: (record: PooledConnection<unknown>, heldMs: number, stack: string) => void,
  ) {
    this.#thresholdMs = thresholdMs;
    this.#message = `a connection of pool "${alias}" was acquired here and not released within leakDetectionMs (${thresholdMs} ms)`;
    this.#now = now;
    this.#report = report;
  }

  /**
   * The caller's stack, leaving out `above` and everything it called, or `undefined` when off. Only
   * the capture is paid here; the text is built only if a leak is reported.
   */
  capture(above: (...args: never[]) => unknown): AcquireSite | undefined {
    if (this.#thresholdMs <= 0) return undefined;
    const site: { name: string; message: string; stack?: string } = { name: 'LeaseAcquired', message: this.#message };
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = STACK_FRAMES;
    Error.captureStackTrace(site, above);
    Error.stackTraceLimit = limit;
    return site;
  }

  /** Start watching a checkout that was just handed out. */
  arm(record: PooledConnection<unknown>, site: AcquireSite): void {
    record.leakSite = site;
    const timer = setTimeout(this.#fire, this.#thresholdMs, record);
    timer.unref();
    record.leakTimer = timer;
  }

  /** The checkout ended (released, destroyed or forced): forget it. */
  disarm(record: PooledConnection<unknown>): void {
    if (record.leakTimer !== undefined) clearTimeout(record.leakTimer);
    record.leakTimer = undefined;
    record.leakSite = undefined;
  }

  readonly #fire = (record: PooledConnection<unknown>): void => {
    record.leakTimer = undefined;
    if (record.state !== 'in-use') return;
    this.#report(record, this.#now() - record.acquiredAt, record.leakSite?.stack ?? '');
  };
}
