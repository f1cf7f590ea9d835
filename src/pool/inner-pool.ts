import genericPool from 'generic-pool';
import { createRequire } from 'node:module';
import { UnipoolError } from '../errors.js';

/*
 * generic-pool 3.9.0 is unmaintained (last release 2022) and its public API cannot close one
 * chosen idle resource, reject waiting callers, or restart the minimum after a failed create. The
 * few internals this file touches are listed below and checked when the pool is built, so a
 * different generic-pool fails loudly at start-up instead of misbehaving later.
 */

interface ListNode<T> {
  readonly data: T;
  readonly next: ListNode<T> | null;
}

interface LinkedDeque<T> {
  readonly length: number;
  readonly _list: { readonly head: ListNode<T> | null; remove(node: ListNode<T>): void };
  shift(): T | undefined;
}

interface GpResource<T> {
  readonly obj: T;
  allocate(): void;
  deallocate(): void;
}

interface GpRequest {
  readonly state: string;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

interface GpLoan<T> {
  readonly pooledResource: GpResource<T>;
  resolve(): void;
}

type GpLoanConstructor = new <T>(pooledResource: GpResource<T>, promise: PromiseConstructor) => GpLoan<T>;

interface GpInternals<T> extends genericPool.Pool<T> {
  _draining: boolean;
  readonly _started: boolean;
  readonly _Promise: PromiseConstructor;
  readonly _allObjects: Set<GpResource<T>>;
  readonly _availableObjects: LinkedDeque<GpResource<T>>;
  readonly _waitingClientsQueue: { readonly length: number; readonly _slots: LinkedDeque<GpRequest>[]; dequeue(): GpRequest | undefined };
  readonly _factoryCreateOperations: Set<Promise<unknown>>;
  readonly _resourceLoans: Map<T, GpLoan<T>>;
  _destroy(resource: GpResource<T>): void;
  _ensureMinimum(): void;
  _dispense(): void;
  _addPooledResourceToAvailableObjects(resource: GpResource<T>): void;
}

// generic-pool's loan record, so loans made on the fast paths below are the same objects its own
// release()/destroy() expect. The package has no exports map; this is its lib/ResourceLoan.js.
const ResourceLoan = createRequire(import.meta.url)('generic-pool/lib/ResourceLoan.js') as GpLoanConstructor;
const PENDING = 'PENDING';

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

  constructor(factory: InnerFactory<T>, options: InnerOptions, onCreateError: (error: unknown) => void) {
    this.#ready = factory.ready;
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
    for (const name of ['_allObjects', '_availableObjects', '_waitingClientsQueue', '_factoryCreateOperations', '_resourceLoans', '_destroy', '_ensureMinimum', '_dispense', '_addPooledResourceToAvailableObjects', '_Promise', '_started'] as const) {
      if (this.#gp[name] === undefined || typeof ResourceLoan !== 'function') {
        throw new UnipoolError(
          'UNIPOOL_UNSUPPORTED',
          `unipool: the installed generic-pool has no "${name}"; unipool needs generic-pool 3.9.x (check with: npm ls generic-pool).`,
        );
      }
    }
    // Without listeners these events are dropped silently; the engine counts and reports create
    // errors itself, and destroy errors are already swallowed by its destroy hook.
    this.#gp.on('factoryCreateError', onCreateError);
    this.#gp.on('factoryDestroyError', ignore);
  }

  /** Create `min` connections and begin serving. */
  start(): void {
    this.#gp.start();
  }

  acquire(): Promise<T> {
    return this.#gp.acquire();
  }

  /**
   * The next idle resource, lent at once, when nobody is waiting and `ready` approves it; otherwise
   * undefined (then `acquire()`). generic-pool's own path costs a request object, a timer and
   * several promise hops even when a resource sits idle — the common case of a quick query.
   */
  acquireIdleNow(): T | undefined {
    const gp = this.#gp;
    if (gp._draining || !gp._started || gp._waitingClientsQueue.length > 0) return undefined;
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
    if (!gp._draining && gp._waitingClientsQueue.length > 0 && this.#ready(resource)) {
      // A request that timed out has left the queue already; one settled some other way is skipped.
      for (let request = gp._waitingClientsQueue.dequeue(); request !== undefined; request = gp._waitingClientsQueue.dequeue()) {
        if (request.state !== PENDING) continue;
        this.#lend(pooled);
        request.resolve(resource);
        return;
      }
    }
    gp._addPooledResourceToAvailableObjects(pooled);
    gp._dispense();
  }

  /** Records a loan exactly as generic-pool's dispatch does. */
  #lend(pooled: GpResource<T>): void {
    this.#gp._resourceLoans.set(pooled.obj, new ResourceLoan(pooled, this.#gp._Promise));
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
    return this.#gp.pending;
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
