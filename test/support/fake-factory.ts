import type { ConnectionFactory } from '../../src/pool/pool-engine.js';

/** A connection made by `FakeFactory`. */
export interface FakeConnection {
  readonly id: number;
  closed: boolean;
  /** The next pings of this connection reject. */
  pingFails: boolean;
}

/**
 * A `ConnectionFactory` for pool tests: creates, pings and destroys are controlled from the test,
 * delays use `setTimeout` (so fake timers drive them), and every call is recorded.
 */
export class FakeFactory implements ConnectionFactory<FakeConnection> {
  /** Delay of each create, in ms (0 = settles on the next microtask). */
  createDelayMs = 0;
  /** Creates still to fail before they succeed again. */
  failNext = 0;
  /** Every create fails. */
  failAlways = false;
  /** The error failing creates reject with. */
  createError: Error = new Error('connect ECONNREFUSED 127.0.0.1:5432');
  /** Creates never settle until `releaseHanging()`. */
  hangCreates = false;
  /** Pings never settle. */
  hangPings = false;
  /** destroy() rejects (the engine must not care). */
  destroyFails = false;
  /** Failed creates are permanent (a bad password): `isPermanentFailure` says so. */
  failuresArePermanent = false;

  /** Calls to create(), successful or not. */
  attempts = 0;
  pings = 0;
  readonly created: FakeConnection[] = [];
  readonly destroyed: FakeConnection[] = [];
  readonly #hanging: Array<() => void> = [];
  #nextId = 1;

  /** Connections created and not destroyed. */
  get live(): number {
    return this.created.filter((conn) => !conn.closed).length;
  }

  create(): Promise<FakeConnection> {
    this.attempts += 1;
    if (this.failAlways || this.failNext > 0) {
      if (this.failNext > 0) this.failNext -= 1;
      const error = this.createError;
      return this.#after(this.createDelayMs, () => Promise.reject(error));
    }
    if (this.hangCreates) {
      return new Promise((resolve) => this.#hanging.push(() => resolve(this.#make())));
    }
    return this.#after(this.createDelayMs, () => Promise.resolve(this.#make()));
  }

  destroy(conn: FakeConnection): Promise<void> {
    conn.closed = true;
    this.destroyed.push(conn);
    return this.destroyFails ? Promise.reject(new Error('socket already closed')) : Promise.resolve();
  }

  ping(conn: FakeConnection): Promise<void> {
    this.pings += 1;
    if (this.hangPings) return new Promise(() => {});
    if (conn.closed || conn.pingFails) return Promise.reject(new Error('Connection terminated unexpectedly'));
    return Promise.resolve();
  }

  isPermanentFailure(): boolean {
    return this.failuresArePermanent;
  }

  /** Let every hanging create succeed now. */
  releaseHanging(): void {
    for (const resolve of this.#hanging.splice(0)) resolve();
  }

  #make(): FakeConnection {
    const conn: FakeConnection = { id: this.#nextId++, closed: false, pingFails: false };
    this.created.push(conn);
    return conn;
  }

  #after<T>(ms: number, settle: () => Promise<T>): Promise<T> {
    if (ms <= 0) return settle();
    return new Promise<void>((resolve) => setTimeout(resolve, ms)).then(settle);
  }
}
