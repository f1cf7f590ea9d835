import genericPool from 'generic-pool';
import { UnipoolError } from '../errors.js';
import { GENERIC_POOL_MEMBERS, GpLoan, LOAN, type GpInternals, type GpPooledResource } from './generic-pool-internals.js';
import { WaitingQueue, type Waiter } from './waiting-queue.js';

/*
 * generic-pool 3.9.0 is unmaintained (last release 2022) and its public API cannot close one
 * chosen idle resource, reject waiting callers, or restart the minimum after a failed create. This
 * file is the only one that touches its internals (declared in generic-pool-internals.ts); they are
 * checked when the pool is built, so a different generic-pool fails loudly at start-up instead of
 * misbehaving later.
 */

/**
 * generic-pool's PooledResource states. Its allocate()/deallocate()/idle() set these plus a
 * Date.now() timestamp each, read only by its own evictor, which is off here; three clock reads
 * per checkout cost more than the rest of a SQLite query's pool bookkeeping (a clock read takes
 * about 100 ns on a virtual machine without a TSC clock), so the state is set directly.
 */
const ALLOCATED = 'ALLOCATED';
const IDLE = 'IDLE';

/** The generic-pool hooks: `validate` may answer synchronously; none of them may reject. */
export interface InnerFactory<T> {
  create(): Promise<T>;
  destroy(resource: T): Promise<void>;
  validate(resource: T): boolean | Promise<boolean>;
  /**
   * True when `validate` would answer `true` without doing anything (no ping due, nothing to
   * retire); false when it must run. Must have no side effects: it only picks the fast path.
   */
  ready(resource: T, now?: number): boolean;
}

/** The generic-pool options the engine sets. */
export interface InnerOptions {
  readonly min: number;
  readonly max: number;
  readonly acquireTimeoutMs: number;
  readonly fifo: boolean;
}

function ignore(): void {}

/**
 * A generic-pool `Pool` with the operations the engine needs. generic-pool keeps the connections:
 * the idle list (LIFO/FIFO), create accounting, loans and destroys. Callers wait in unipool's own
 * queue (see `WaitingQueue`), and this class decides who gets which connection: generic-pool's
 * request path costs a deferred, a timer and several promise hops per waiting caller, and with
 * more callers than connections that is every query. Eviction, backoff, lifetime and close are
 * the engine's.
 */
export class InnerPool<T> {
  readonly #gp: GpInternals<T>;
  readonly #validate: (resource: T) => boolean | Promise<boolean>;
  readonly #ready: (resource: T, now?: number) => boolean;
  readonly #waiting: WaitingQueue<T>;
  /** generic-pool's "make it idle" (without its timestamp), before the hook below wraps it. */
  readonly #addIdle: (resource: GpPooledResource<T>) => void;
  /** Idle connections taken for a borrow check (a ping, a lifetime check) on behalf of a waiter. */
  #checking = 0;

  constructor(factory: InnerFactory<T>, options: InnerOptions, onCreateError: (error: unknown) => void, now: () => number) {
    this.#validate = factory.validate;
    this.#ready = factory.ready;
    this.#waiting = new WaitingQueue<T>(now);
    this.#gp = genericPool.createPool(factory as genericPool.Factory<T>, {
      min: options.min,
      max: options.max,
      // Unused (callers wait in our queue), but never 0: generic-pool would then wait forever.
      acquireTimeoutMillis: Math.max(1, options.acquireTimeoutMs),
      fifo: options.fifo,
      testOnBorrow: true,
      // Started by the engine once it is fully built (start() creates `min` connections).
      autostart: false,
      // Eviction is the engine's own sweep: generic-pool's evictor ignores `min` and skips resources.
      evictionRunIntervalMillis: 0,
    }) as GpInternals<T>;
    for (const name of GENERIC_POOL_MEMBERS) {
      if (this.#gp[name] === undefined) {
        throw new UnipoolError(
          'UNIPOOL_UNSUPPORTED',
          `unipool: the installed generic-pool has no "${name}"; unipool needs generic-pool 3.9.x (check with: npm ls generic-pool).`,
        );
      }
    }
    // Every connection that becomes idle — created, released, checked — passes through this one
    // method: the place to hand it to a caller who is waiting.
    const gp = this.#gp;
    const idleList = gp._availableObjects;
    this.#addIdle = options.fifo
      ? (resource) => {
          resource.state = IDLE;
          idleList.push(resource);
        }
      : (resource) => {
          resource.state = IDLE;
          idleList.unshift(resource);
        };
    gp._addPooledResourceToAvailableObjects = (resource) => {
      this.#addIdle(resource);
      if (this.#waiting.length > 0) this.#dispatch();
    };
    // generic-pool calls this once a create has settled (its count of creates in flight is then
    // current: a failed one needs replacing) and after a destroy (capacity freed): serve our queue.
    gp._dispense = () => this.#dispatch();
    // Without listeners these events are dropped silently; the engine counts and reports create
    // errors itself, and destroy errors are already swallowed by its destroy hook.
    gp.on('factoryCreateError', onCreateError);
    gp.on('factoryDestroyError', ignore);
  }

  /** Create `min` connections and begin serving. */
  start(): void {
    this.#gp.start();
  }

  /**
   * The next idle resource, lent at once, when nobody is waiting and `ready` approves it; otherwise
   * undefined (then `wait()`). `now`: the caller's clock reading, so the check reads the clock no more.
   */
  acquireIdleNow(now?: number): T | undefined {
    const gp = this.#gp;
    if (gp._draining || this.#waiting.length > 0) return undefined;
    const head = gp._availableObjects._list.head;
    if (head === null || !this.#ready(head.data.obj, now)) return undefined;
    gp._availableObjects.shift();
    this.#lend(head.data);
    return head.data.obj;
  }

  /**
   * Queue a caller; it is served (the resource already on loan) as soon as one is free, checked or
   * created, or failed when its deadline passes. The engine refuses callers once stopped.
   */
  wait(waiter: Waiter<T>): void {
    const gp = this.#gp;
    if (!gp._started) gp.start();
    this.#waiting.push(waiter);
    this.#dispatch();
  }

  /** Takes a queued caller out of the queue (see `WaitingQueue.cancel`). */
  cancel(waiter: Waiter<T>): void {
    this.#waiting.cancel(waiter);
  }

  /**
   * Back to the pool (the resource must be on loan). With callers waiting and no check due, it goes
   * straight to the one that waited longest; otherwise it becomes idle (and is checked for a waiter).
   * `now`: the caller's clock reading, passed on so a hand-over reads the clock no more.
   */
  release(resource: T, now?: number): void {
    const gp = this.#gp;
    const loan = gp._resourceLoans.get(resource);
    if (loan === undefined) return;
    gp._resourceLoans.delete(resource);
    loan.resolve();
    const pooled = loan.pooledResource;
    pooled.state = IDLE;
    if (!gp._draining && this.#waiting.length > 0 && this.#ready(resource, now)) this.#serve(pooled, now);
    else gp._addPooledResourceToAvailableObjects(pooled);
  }

  /** Close a resource that is on loan (generic-pool then dispatches: a waiter may get a new connection in its place). */
  destroy(resource: T): void {
    this.#gp.destroy(resource).catch(ignore);
  }

  /**
   * Serve waiters from the idle list — at once when ready, after a check otherwise — and start the
   * creates the rest need, within `max`.
   */
  #dispatch(): void {
    const gp = this.#gp;
    if (gp._draining) return;
    const waiting = this.#waiting;
    const idle = gp._availableObjects;
    while (waiting.length > this.#checking && idle.length > 0) {
      const pooled = idle.shift() as GpPooledResource<T>;
      if (this.#ready(pooled.obj)) this.#serve(pooled);
      else this.#check(pooled);
    }
    const shortfall = waiting.length - this.#checking - gp._factoryCreateOperations.size;
    const creates = Math.min(shortfall, gp.spareResourceCapacity);
    for (let i = 0; i < creates; i++) gp._createResource();
  }

  /** Lend `pooled` to the caller that waited longest (there is one). */
  #serve(pooled: GpPooledResource<T>, now?: number): void {
    const waiter = this.#waiting.shift() as Waiter<T>;
    this.#lend(pooled);
    waiter.serve(pooled.obj, now);
  }

  /** The borrow check of an idle connection (generic-pool's testOnBorrow, for our waiters). */
  #check(pooled: GpPooledResource<T>): void {
    const gp = this.#gp;
    pooled.test();
    gp._testOnBorrowResources.add(pooled);
    this.#checking += 1;
    let verdict: boolean | Promise<boolean>;
    try {
      verdict = this.#validate(pooled.obj);
    } catch {
      verdict = false;
    }
    Promise.resolve(verdict).then(
      (valid) => this.#checked(pooled, valid),
      () => this.#checked(pooled, false),
    );
  }

  #checked(pooled: GpPooledResource<T>, valid: boolean): void {
    const gp = this.#gp;
    this.#checking -= 1;
    gp._testOnBorrowResources.delete(pooled);
    if (valid && !gp._draining && this.#waiting.length > 0) {
      this.#serve(pooled);
      return;
    }
    if (valid) {
      // Its caller gave up meanwhile (or the pool is closing: then this destroys it).
      gp._addPooledResourceToAvailableObjects(pooled);
      return;
    }
    gp._destroy(pooled);
    this.#dispatch();
  }

  /** Records a loan as generic-pool's dispatch does. */
  #lend(pooled: GpPooledResource<T>): void {
    // One loan record per connection, reused: generic-pool only looks it up and calls resolve().
    const withLoan = pooled as GpPooledResource<T> & { [LOAN]?: GpLoan<T> };
    this.#gp._resourceLoans.set(pooled.obj, (withLoan[LOAN] ??= new GpLoan(pooled)));
    pooled.state = ALLOCATED;
  }

  /** Open connections (idle, lent out, or being validated). */
  get size(): number {
    return this.#gp._allObjects.size;
  }

  get idle(): number {
    return this.#gp._availableObjects.length;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Connections that could still be opened (`max` minus open and opening). */
  get spareCapacity(): number {
    return this.#gp.spareResourceCapacity;
  }

  /** Start creates until `min` connections are open or opening (no-op once stopped). */
  ensureMinimum(): void {
    this.#gp._ensureMinimum();
  }

  /** Close every idle connection for which `shouldEvict` returns true. */
  evictIdle(shouldEvict: (resource: T) => boolean): void {
    const list = this.#gp._availableObjects._list;
    let node = list.head;
    while (node !== null) {
      const next = node.next;
      if (shouldEvict(node.data.obj)) {
        list.remove(node);
        this.#gp._destroy(node.data);
      }
      node = next;
    }
  }

  /**
   * Stop: no `min` top-ups, no dispatch (generic-pool's own "draining" flag), and any connection
   * that would become idle from now on (a create or a check that was in flight, a release) is
   * destroyed instead: they reach the idle list through this one method.
   */
  stop(): void {
    const gp = this.#gp;
    gp._draining = true;
    gp._addPooledResourceToAvailableObjects = (resource) => gp._destroy(resource);
  }

  /** Fail every waiting caller with `reason`. */
  rejectWaiting(reason: unknown): void {
    this.#waiting.failAll(reason);
  }

  /** Close every idle connection. */
  destroyIdle(): void {
    for (let resource = this.#gp._availableObjects.shift(); resource !== undefined; resource = this.#gp._availableObjects.shift()) {
      this.#gp._destroy(resource);
    }
  }

  /** Resources currently on loan. */
  borrowed(): T[] {
    return [...this.#gp._resourceLoans.keys()];
  }

  /** Resolves once every create in flight has settled. */
  async createsSettled(): Promise<void> {
    await Promise.allSettled([...this.#gp._factoryCreateOperations]);
  }
}
