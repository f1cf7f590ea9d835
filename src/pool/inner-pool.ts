import genericPool from 'generic-pool';
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
}

interface GpRequest {
  reject(reason: unknown): void;
}

interface GpInternals<T> extends genericPool.Pool<T> {
  _draining: boolean;
  readonly _allObjects: Set<GpResource<T>>;
  readonly _availableObjects: LinkedDeque<GpResource<T>>;
  readonly _waitingClientsQueue: { readonly _slots: LinkedDeque<GpRequest>[] };
  readonly _factoryCreateOperations: Set<Promise<unknown>>;
  readonly _resourceLoans: Map<T, unknown>;
  _destroy(resource: GpResource<T>): void;
  _ensureMinimum(): void;
  _addPooledResourceToAvailableObjects(resource: GpResource<T>): void;
}

/** The generic-pool hooks: `validate` may answer synchronously; none of them may reject. */
export interface InnerFactory<T> {
  create(): Promise<T>;
  destroy(resource: T): Promise<void>;
  validate(resource: T): boolean | Promise<boolean>;
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

  constructor(factory: InnerFactory<T>, options: InnerOptions, onCreateError: (error: unknown) => void) {
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
    for (const name of ['_allObjects', '_availableObjects', '_waitingClientsQueue', '_factoryCreateOperations', '_resourceLoans', '_destroy', '_ensureMinimum', '_addPooledResourceToAvailableObjects'] as const) {
      if (this.#gp[name] === undefined) {
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

  /** Back to the idle list (the resource must be on loan). */
  release(resource: T): void {
    this.#gp.release(resource).catch(ignore);
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
