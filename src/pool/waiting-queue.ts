/** A caller waiting for a connection. */
export interface Waiter<T> {
  /** Clock time at which the caller gives up. */
  readonly deadline: number;
  /** Hands it the resource (already on loan to it); `now` is the clock reading of the release that freed it, if any. */
  serve(resource: T, now?: number): void;
  /** Tells it no resource is coming (timeout, close). */
  fail(error: unknown): void;
  /** Set by `WaitingQueue.cancel()`: the caller left the queue; it is skipped, never served. */
  cancelled?: boolean;
}

/** The rejection of a waiter whose deadline passed; the engine turns it into `UNIPOOL_ACQUIRE_TIMEOUT`. */
export class WaitTimeout extends Error {
  override readonly name = 'TimeoutError';
  /**
   * Callers that were waiting when the deadline passed, this one included: by the time the error
   * is built the expired waiters have left the queue, and "waiting=0" would hide the very caller
   * that gave up.
   */
  readonly waiting: number;
  constructor(waiting: number) {
    super('waited longer than acquireTimeoutMs for a connection');
    this.waiting = waiting;
  }
}

/**
 * Callers waiting for a connection, oldest first, with one timer for all of them. Every waiter has
 * the same timeout, so deadlines grow with the queue and only the oldest needs a timer; the timer
 * stays armed while callers come and go (it re-arms for the oldest one when it fires early) and is
 * stopped when the queue empties. A waiter costs a
 * slot in an array — no promise, no timer of its own — which matters on the hot path: with more
 * callers than connections, every query waits.
 */
export class WaitingQueue<T> {
  readonly #now: () => number;
  #items: (Waiter<T> | undefined)[] = [];
  #head = 0;
  /** Cancelled waiters still in `#items` (they are dropped when they reach the head). */
  #cancelled = 0;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(now: () => number) {
    this.#now = now;
  }

  get length(): number {
    return this.#items.length - this.#head - this.#cancelled;
  }

  push(waiter: Waiter<T>): void {
    this.#items.push(waiter);
    if (this.#timer === undefined) this.#arm(waiter.deadline);
  }

  /** The oldest waiter, removed from the queue; undefined when none is waiting. */
  shift(): Waiter<T> | undefined {
    this.#dropCancelledHead();
    if (this.#head === this.#items.length) return undefined;
    const waiter = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head += 1;
    this.#dropCancelledHead();
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
      // Nobody left to time out: a timer left armed would keep an idle process alive.
      this.#disarm();
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      // Drop the consumed half so a queue that never quite empties does not grow without bound.
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return waiter;
  }

  /**
   * Takes `waiter` (still queued: neither served nor failed) out of the queue: it is never served,
   * never failed. O(1): it is marked, and dropped when it reaches the head.
   */
  cancel(waiter: Waiter<T>): void {
    if (waiter.cancelled === true) return;
    waiter.cancelled = true;
    this.#cancelled += 1;
    this.#dropCancelledHead();
    if (this.length === 0) {
      this.#items = [];
      this.#head = 0;
      this.#cancelled = 0;
      this.#disarm();
    }
  }

  #dropCancelledHead(): void {
    const items = this.#items;
    while (this.#head < items.length && items[this.#head]?.cancelled === true) {
      items[this.#head] = undefined;
      this.#head += 1;
      this.#cancelled -= 1;
    }
  }

  /** Fails every waiter with `error` (the queue is emptied first, so a failure handler that acquires again waits anew). */
  failAll(error: unknown): void {
    const waiting = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    this.#cancelled = 0;
    this.#disarm();
    for (const waiter of waiting) if (waiter !== undefined && waiter.cancelled !== true) waiter.fail(error);
  }

  #arm(at: number): void {
    // Not unref'd: a caller waiting for a connection keeps the process alive until it is served or
    // times out, as a caller waiting on a socket would.
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, at - this.#now()));
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Fails the waiters whose deadline has passed, then re-arms for the oldest one left. */
  #expire(): void {
    this.#timer = undefined;
    const now = this.#now();
    const waiting = this.length;
    const expired: Waiter<T>[] = [];
    for (let waiter = this.#peek(); waiter !== undefined && waiter.deadline <= now; waiter = this.#peek()) {
      expired.push(waiter);
      this.shift();
    }
    const next = this.#peek();
    if (next !== undefined) this.#arm(next.deadline);
    for (const waiter of expired) waiter.fail(new WaitTimeout(waiting));
  }

  #peek(): Waiter<T> | undefined {
    this.#dropCancelledHead();
    return this.#head < this.#items.length ? this.#items[this.#head] : undefined;
  }
}
