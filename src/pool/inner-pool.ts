import genericPool from 'generic-pool';
import { UnipoolError } from '../errors.js';
import { FastLoan, GP_INTERNALS, PENDING, type GpInternals, type GpResource } from './generic-pool-internals.js';
import { WaitingQueue, WaitTimeoutError, type Waiter } from './waiting-queue.js';

/*
 * generic-pool 3.9.0 is unmaintained (last release 2022) and its public API cannot close one
 * chosen idle resource, reject waiting callers, or restart the minimum after a failed create; its
 * waiting queue also costs several promises and a timer per caller. The internals this file
 * touches are declared and checked in generic-pool-internals.ts.
 */

/** The generic-pool hooks: `validate` may answer synchronously; none of them may reject. */
export interface InnerFactory<T> {
  create(): Promise<T>;
  destroy(resource: T): Promise<void>;
  validate(resource: T): boolean | Promise<boolean>;
  /**
   * True when `validate` would answer `true` without doing anything (no ping due, nothing to
   * retire); false when it must run. Must have no side effects: it only picks the fast path.
   */
  ready(resource: T): boolean;
}

/** The generic-pool options the engine sets. */
export interface InnerOptions {
  readonly min: number;
  readonly max: number;
  readonly acquireTimeoutMs: number;
  readonly fifo: boolean;
  /** Monotonic milliseconds, for the waiting queue's deadlines. */
  readonly now: () => number;
}

function ignore(): void {}

/**
 * A generic-pool `Pool` with the operations the engine needs. It keeps generic-pool's idle list
 * (LIFO/FIFO), waiting queue with per-caller timeouts, create accounting and loans; eviction,
 * backoff, lifetime and close are the engine's.
 */
export class InnerPool<T> {
  readonly #gp: GpInternals<T>;
  readonly #ready: (resource: T) => boolean;
  /** Callers waiting while every connection is lent out (see `acquire()`). */
  readonly #queue: WaitingQueue<T>;
  readonly #now: () => number;
  #pumpScheduled = false;

  constructor(factory: InnerFactory<T>, options: InnerOptions, onCreateError: (error: unknown) => void) {
    this.#ready = factory.ready;
    this.#now = options.now;
    this.#queue = new WaitingQueue<T>(Math.max(1, options.acquireTimeoutMs), options.now, 'ResourceRequest timed out');
    this.#gp = genericPool.createPool(factory as genericPool.Factory<T>, {
      min: options.min,
      max: options.max,
      // Never 0 or undefined: generic-pool would then wait forever.
      acquireTimeoutMillis: Math.max(1, options.acquireTimeoutMs),
      fifo: options.fifo,
      // Validation runs on every borrow; our hook answers synchronously unless a ping is due.
      testOnBorrow: true,
      // Started by the engine once it is fully built (start() creates `min` connections).
      autostart: false,
      // Eviction is the engine's own sweep: generic-pool's evictor ignores `min` and skips resources.
      evictionRunIntervalMillis: 0,
    }) as GpInternals<T>;
    for (const name of GP_INTERNALS) {
      if (this.#gp[name] === undefined) {
        throw new UnipoolError(
          'UNIPOOL_UNSUPPORTED',
          `unipool: the installed generic-pool has no "${name}"; unipool needs generic-pool 3.9.x (check with: npm ls generic-pool).`,
        );
      }
    }
    // Without listeners these events are dropped silently; the engine counts and reports create
    // errors itself, and destroy errors are already swallowed by its destroy hook.
    this.#gp.on('factoryCreateError', (error: unknown) => {
      onCreateError(error);
      this.#wake(); // the failed create's slot is free again
    });
    this.#gp.on('factoryDestroyError', ignore);
    // Every way a resource becomes idle, or a slot frees up, passes through these two: our waiters
    // get their turn there (generic-pool only serves its own queue).
    const gp = this.#gp;
    const addIdle = gp._addPooledResourceToAvailableObjects;
    gp._addPooledResourceToAvailableObjects = (resource) => {
      addIdle.call(gp, resource);
      this.#wake();
    };
    const destroy = gp._destroy;
    gp._destroy = (resource) => {
      destroy.call(gp, resource);
      this.#wake();
    };
  }

  /** Create `min` connections and begin serving. */
  start(): void {
    this.#gp.start();
  }

  /**
   * A resource, once one is free. While every connection is lent out and none can be opened, the
   * caller waits in our own queue (one promise and one shared timer for everyone, see
   * WaitingQueue); otherwise generic-pool's acquire opens or validates one.
   */
  acquire(): Promise<T> {
    const gp = this.#gp;
    // Callers already in generic-pool's queue came earlier: release() serves them before ours.
    if (!gp._draining && gp._started && (this.#queue.length > 0 || (gp._availableObjects.length === 0 && gp.spareResourceCapacity < 1))) {
      return this.#queue.wait();
    }
    return gp.acquire();
  }

  /**
   * The next idle resource, lent at once, when nobody is waiting and `ready` approves it; otherwise
   * undefined (then `acquire()`). generic-pool's own path costs a request object, a timer and
   * several promise hops even when a resource sits idle — the common case of a quick query.
   */
  acquireIdleNow(): T | undefined {
    const gp = this.#gp;
    if (gp._draining || !gp._started || gp._waitingClientsQueue.length > 0 || this.#queue.length > 0) return undefined;
    const head = gp._availableObjects._list.head;
    if (head === null || !this.#ready(head.data.obj)) return undefined;
    gp._availableObjects.shift();
    this.#lend(head.data);
    return head.data.obj;
  }

  /**
   * Back to the pool (the resource must be on loan). With callers waiting and no check due, it goes
   * straight to the one that waited longest, skipping the idle list and generic-pool's
   * asynchronous borrow test; otherwise it takes generic-pool's own path.
   */
  release(resource: T): void {
    const gp = this.#gp;
    const loan = gp._resourceLoans.get(resource);
    if (loan === undefined) {
      gp.release(resource).catch(ignore);
      return;
    }
    gp._resourceLoans.delete(resource);
    loan.resolve();
    const pooled = loan.pooledResource;
    pooled.deallocate();
    if (!gp._draining && (gp._waitingClientsQueue.length > 0 || this.#queue.length > 0) && this.#ready(resource)) {
      // generic-pool's waiters came first (callers join ours only once the pool is at max). A
      // request that timed out has left its queue already; one settled some other way is skipped.
      for (let request = gp._waitingClientsQueue.dequeue(); request !== undefined; request = gp._waitingClientsQueue.dequeue()) {
        if (request.state !== PENDING) continue;
        this.#lend(pooled);
        request.resolve(resource);
        return;
      }
      if (this.#queue.length > 0) {
        this.#lend(pooled);
        this.#queue.serve(resource);
        return;
      }
    }
    gp._addPooledResourceToAvailableObjects(pooled);
    gp._dispense();
  }

  /** Soon (not inside generic-pool's own call), give our waiters what became free. */
  #wake(): void {
    if (this.#queue.length === 0 || this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  /**
   * Serves our waiters from the idle list; a resource that needs a check (a ping, a retirement),
   * or a free slot, is left to generic-pool by moving the longest waiter into its queue.
   */
  #pump(): void {
    const gp = this.#gp;
    while (this.#queue.length > 0 && !gp._draining && gp._waitingClientsQueue.length === 0) {
      const head = gp._availableObjects._list.head;
      if (head !== null && this.#ready(head.data.obj)) {
        gp._availableObjects.shift();
        this.#lend(head.data);
        this.#queue.serve(head.data.obj);
      } else if (head !== null || gp.spareResourceCapacity > 0) {
        const waiter = this.#queue.take();
        if (waiter !== undefined) this.#handOver(waiter);
      } else {
        return;
      }
    }
  }

  /** Moves a waiter into generic-pool's queue, keeping its own deadline. */
  #handOver(waiter: Waiter<T>): void {
    let expired = false;
    const timer = setTimeout(
      () => {
        expired = true;
        waiter.reject(new WaitTimeoutError('ResourceRequest timed out'));
      },
      Math.max(1, waiter.deadline - this.#now()),
    );
    this.#gp.acquire().then(
      (resource) => {
        if (expired) {
          this.release(resource); // it came too late for this caller; the next one gets it
          return;
        }
        clearTimeout(timer);
        waiter.resolve(resource);
      },
      (error: unknown) => {
        if (expired) return;
        clearTimeout(timer);
        waiter.reject(error);
      },
    );
  }

  /** Records a loan exactly as generic-pool's dispatch does. */
  #lend(pooled: GpResource<T>): void {
    this.#gp._resourceLoans.set(pooled.obj, new FastLoan(pooled));
    pooled.allocate();
  }

  /** Close a resource that is on loan. */
  destroy(resource: T): void {
    this.#gp.destroy(resource).catch(ignore);
  }

  /** Open connections (idle, lent out, or being validated). */
  get size(): number {
    return this.#gp._allObjects.size;
  }

  get idle(): number {
    return this.#gp._availableObjects.length;
  }

  get waiting(): number {
    return this.#gp.pending + this.#queue.length;
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
   * Stop: no `min` top-ups, no acquires (generic-pool's own "draining" flag), and any connection
   * that would become idle from now on (a create or a validation that was in flight, a release) is
   * destroyed instead: they reach the idle list through this one method.
   */
  stop(): void {
    const gp = this.#gp;
    gp._draining = true;
    gp._addPooledResourceToAvailableObjects = (resource) => gp._destroy(resource);
  }

  /**
   * Reject every waiting caller with `reason`. The requests are taken off the queue first: left
   * there, generic-pool would go on creating connections for callers that are gone.
   */
  rejectWaiting(reason: unknown): void {
    this.#queue.rejectAll(reason);
    for (const slot of this.#gp._waitingClientsQueue._slots) {
      for (let request = slot.shift(); request !== undefined; request = slot.shift()) request.reject(reason);
    }
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
