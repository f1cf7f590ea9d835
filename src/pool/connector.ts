import type { ConnectionFactory } from './pool-engine.js';
import { backoffDelayMs } from './backoff.js';

/** What the connector needs from the engine. */
export interface ConnectorOptions<C> {
  readonly factory: ConnectionFactory<C>;
  readonly connectTimeoutMs: number;
  readonly now: () => number;
  readonly random: () => number;
  /** Builds the `UNIPOOL_CONNECT_TIMEOUT` error. */
  readonly timeoutError: () => Error;
  /** Builds the error that attempts and waits get once the pool closes. */
  readonly closedError: () => Error;
}

/** What `open()` resolves to: the driver's connection (`raw`) and how long opening it took (the backoff wait not included). */
export interface OpenResult<C> {
  readonly raw: C;
  readonly createMs: number;
}

/** One `factory.create()` call in flight. */
interface Attempt {
  settled: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  readonly reject: (error: unknown) => void;
}

/** A create waiting for its turn while the server is failing. */
interface Turn {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

function ignore(): void {}

/**
 * Opens connections for the pool, bounding each attempt by `connectTimeoutMs` and backing off after
 * failures. generic-pool retries a failed create at once, in a loop, for as long as anyone waits
 * (coopernurse/node-pool#175); here every create it starts passes through a gate instead. While the
 * server is healthy the gate is open. After a failure, one attempt at a time is let through, each
 * after the backoff delay (50 ms doubling to 5 s); the first success opens the gate for everyone.
 */
export class Connector<C> {
  readonly #options: ConnectorOptions<C>;
  readonly #turns: Turn[] = [];
  readonly #attempts = new Set<Attempt>();
  #failures = 0;
  #lastError: unknown = undefined;
  #gateOpen = false;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #closed = false;

  constructor(options: ConnectorOptions<C>) {
    this.#options = options;
  }

  /** The error of the last failed attempt, until an attempt succeeds. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** Consecutive failures (0 while healthy). */
  get failures(): number {
    return this.#failures;
  }

  /** Open one connection: wait for the gate, then create it within `connectTimeoutMs`. */
  async open(): Promise<OpenResult<C>> {
    if (this.#closed) throw this.#options.closedError();
    if (this.#failures > 0) {
      await this.#turn();
      // The turn may have been granted just before close(); do not start an attempt after it.
      if (this.#closed) throw this.#options.closedError();
    }
    const failuresAtStart = this.#failures;
    const startedAt = this.#options.now();
    try {
      const raw = await this.#attempt();
      this.#succeeded();
      return { raw, createMs: this.#options.now() - startedAt };
    } catch (error) {
      if (!this.#closed) this.#failed(error, failuresAtStart);
      throw error;
    }
  }

  /**
   * Stop: waiting creates and attempts in flight reject at once with the closed error; a connection
   * that still arrives afterwards is destroyed. No timer is left behind.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearTimer();
    const error = this.#options.closedError();
    for (const turn of this.#turns.splice(0)) turn.reject(error);
    for (const attempt of [...this.#attempts]) this.#abandon(attempt, error);
  }

  #turn(): Promise<void> {
    if (this.#gateOpen) {
      this.#gateOpen = false;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.#turns.push({ resolve, reject }));
  }

  #succeeded(): void {
    this.#failures = 0;
    this.#lastError = undefined;
    this.#gateOpen = false;
    this.#clearTimer();
    for (const turn of this.#turns.splice(0)) turn.resolve();
  }

  #failed(error: unknown, failuresAtStart: number): void {
    this.#lastError = error;
    // Attempts that started together fail together when the server goes away: count the outage
    // once, or ten parallel failures would push the first retry straight to the 5 s cap.
    if (failuresAtStart !== this.#failures) return;
    this.#failures += 1;
    this.#gateOpen = false;
    this.#clearTimer();
    const timer = setTimeout(() => {
      this.#timer = undefined;
      this.#gateOpen = true;
      const next = this.#turns.shift();
      if (next !== undefined) {
        this.#gateOpen = false;
        next.resolve();
      }
    }, backoffDelayMs(this.#failures, this.#options.random));
    timer.unref();
    this.#timer = timer;
  }

  #attempt(): Promise<C> {
    return new Promise<C>((resolve, reject) => {
      const attempt: Attempt = { settled: false, timer: undefined, reject };
      const timer = setTimeout(() => this.#abandon(attempt, this.#options.timeoutError()), this.#options.connectTimeoutMs);
      timer.unref();
      attempt.timer = timer;
      this.#attempts.add(attempt);
      let created: Promise<C>;
      try {
        created = Promise.resolve(this.#options.factory.create());
      } catch (error) {
        created = Promise.reject(error);
      }
      created.then(
        (raw) => {
          // It arrived after the timeout (or after close): nobody will use it, so close it
          // rather than leak it (brianc/node-postgres#3543).
          if (attempt.settled) return this.#discard(raw);
          this.#settle(attempt);
          resolve(raw);
        },
        (error: unknown) => {
          if (attempt.settled) return;
          this.#settle(attempt);
          reject(error);
        },
      );
    });
  }

  #abandon(attempt: Attempt, error: unknown): void {
    if (attempt.settled) return;
    this.#settle(attempt);
    attempt.reject(error);
  }

  #settle(attempt: Attempt): void {
    attempt.settled = true;
    clearTimeout(attempt.timer);
    this.#attempts.delete(attempt);
  }

  #discard(raw: C): void {
    try {
      Promise.resolve(this.#options.factory.destroy(raw)).catch(ignore);
    } catch {
      // A destroy that throws synchronously has nothing left to clean up.
    }
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
