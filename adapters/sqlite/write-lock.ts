/**
 * An in-process write lock per database file.
 *
 * better-sqlite3 is synchronous: a connection that meets SQLITE_BUSY waits out `busy_timeout` inside
 * the call, blocking the event loop — so the connection that holds the write lock (a transaction
 * awaiting something between statements) can never run its COMMIT, and every writer stalls for the
 * whole timeout. Writers from this process therefore queue here, asynchronously, before they write;
 * the busy timeout only ever waits for other processes.
 */
export class WriteLock {
  #owner: object | undefined;
  readonly #waiters: { owner: object; grant: () => void }[] = [];

  /** True when `owner` holds the lock. */
  isHeldBy(owner: object): boolean {
    return this.#owner === owner;
  }

  /** Resolves once `owner` holds the lock (at once when it already does). */
  acquire(owner: object): Promise<void> | undefined {
    if (this.#owner === owner) return undefined;
    if (this.#owner === undefined) {
      this.#owner = owner;
      return undefined;
    }
    return new Promise<void>((grant) => this.#waiters.push({ owner, grant }));
  }

  /** Takes the lock when it is free (or already `owner`'s) and says so; never queues. */
  tryAcquire(owner: object): boolean {
    if (this.#owner === owner) return true;
    if (this.#owner !== undefined) return false;
    this.#owner = owner;
    return true;
  }

  /** Hands the lock to the next waiter, if `owner` holds it. */
  release(owner: object): void {
    if (this.#owner !== owner) return;
    const next = this.#waiters.shift();
    this.#owner = next?.owner;
    next?.grant();
  }

  /** Drop a waiter whose connection is going away. */
  forget(owner: object): void {
    const index = this.#waiters.findIndex((waiter) => waiter.owner === owner);
    if (index >= 0) this.#waiters.splice(index, 1);
    this.release(owner);
  }
}

const locks = new Map<string, WriteLock>();

/** The lock for one database file (keyed by its absolute path). */
export function writeLockFor(file: string): WriteLock {
  let lock = locks.get(file);
  if (lock === undefined) {
    lock = new WriteLock();
    locks.set(file, lock);
  }
  return lock;
}
