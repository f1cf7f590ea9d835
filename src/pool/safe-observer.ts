import type { Logger } from '../logger.js';
import type { DestroyReason, PooledConnection, PoolObserver } from './pool-engine.js';

type ObserverMethod = keyof PoolObserver;

/**
 * Calls a `PoolObserver` so that it can never break the pool: absent methods cost one property
 * read, and an observer that throws is reported to the logger (the first time per method, so a
 * broken metrics hook on the hot path cannot flood the log) and otherwise ignored.
 */
export class SafeObserver {
  readonly #target: PoolObserver | undefined;
  readonly #alias: string;
  readonly #logger: Logger;
  readonly #reported = new Set<ObserverMethod>();

  constructor(target: PoolObserver | undefined, alias: string, logger: Logger) {
    this.#target = target;
    this.#alias = alias;
    this.#logger = logger;
  }

  acquired(conn: PooledConnection<unknown>, waitMs: number): void {
    if (this.#target?.acquired === undefined) return;
    try {
      this.#target.acquired(conn, waitMs);
    } catch (error) {
      this.#report('acquired', error);
    }
  }

  released(conn: PooledConnection<unknown>, holdMs: number): void {
    if (this.#target?.released === undefined) return;
    try {
      this.#target.released(conn, holdMs);
    } catch (error) {
      this.#report('released', error);
    }
  }

  created(conn: PooledConnection<unknown>, createMs: number): void {
    if (this.#target?.created === undefined) return;
    try {
      this.#target.created(conn, createMs);
    } catch (error) {
      this.#report('created', error);
    }
  }

  destroyed(conn: PooledConnection<unknown>, reason: DestroyReason): void {
    if (this.#target?.destroyed === undefined) return;
    try {
      this.#target.destroyed(conn, reason);
    } catch (error) {
      this.#report('destroyed', error);
    }
  }

  timedOut(error: Error): void {
    if (this.#target?.timedOut === undefined) return;
    try {
      this.#target.timedOut(error);
    } catch (thrown) {
      this.#report('timedOut', thrown);
    }
  }

  connectFailed(error: unknown): void {
    if (this.#target?.connectFailed === undefined) return;
    try {
      this.#target.connectFailed(error);
    } catch (thrown) {
      this.#report('connectFailed', thrown);
    }
  }

  leaked(conn: PooledConnection<unknown>, heldMs: number, stack: string): void {
    if (this.#target?.leaked === undefined) return;
    try {
      this.#target.leaked(conn, heldMs, stack);
    } catch (error) {
      this.#report('leaked', error);
    }
  }

  #report(method: ObserverMethod, error: unknown): void {
    if (this.#reported.has(method)) return;
    this.#reported.add(method);
    const message = error instanceof Error ? error.message : String(error);
    try {
      this.#logger.warn(
        `unipool: the "${method}" observer of pool "${this.#alias}" threw (${message}); the pool carried on. ` +
          'Further errors from this observer method are not reported.',
      );
    } catch {
      // A logger that throws has nowhere left to report to.
    }
  }
}
