import type genericPool from 'generic-pool';

/*
 * The shapes of generic-pool 3.9.0's private members that the engine uses, and its stand-in loan
 * record. Only declarations: every access to these members is in inner-pool.ts.
 */

export interface ListNode<T> {
  readonly data: T;
  readonly next: ListNode<T> | null;
}

export interface LinkedDeque<T> {
  readonly length: number;
  readonly _list: { readonly head: ListNode<T> | null; remove(node: ListNode<T>): void };
  shift(): T | undefined;
  push(item: T): void;
  unshift(item: T): void;
}

/** generic-pool's own wrapper (its PooledResource) around one of our `PooledConnection`s, kept in its idle list and loans. */
export interface GpPooledResource<T> {
  readonly obj: T;
  /** 'IDLE' or 'ALLOCATED' (among others): set directly, without the Date.now() its allocate()/deallocate() add. */
  state: string;
  /** Marks it as being checked before a borrow. */
  test(): void;
}

/**
 * Every private member of generic-pool 3.9.0 the engine touches (all of them in inner-pool.ts; each has
 * its own test in test/unit/pool/generic-pool-internals-hold.test.ts). `_dispense` and
 * `_addPooledResourceToAvailableObjects` are replaced, the others read or called.
 */
export const GENERIC_POOL_MEMBERS = [
  '_draining',
  '_started',
  '_allObjects',
  '_availableObjects',
  '_testOnBorrowResources',
  '_factoryCreateOperations',
  '_resourceLoans',
  '_destroy',
  '_ensureMinimum',
  '_createResource',
  '_addPooledResourceToAvailableObjects',
  '_dispense',
] as const;

/** generic-pool's Pool with the private members above. */
export interface GpInternals<T> extends genericPool.Pool<T> {
  _draining: boolean;
  readonly _started: boolean;
  readonly _allObjects: Set<GpPooledResource<T>>;
  readonly _availableObjects: LinkedDeque<GpPooledResource<T>>;
  readonly _testOnBorrowResources: Set<GpPooledResource<T>>;
  readonly _factoryCreateOperations: Set<Promise<unknown>>;
  readonly _resourceLoans: Map<T, GpLoan<T>>;
  _destroy(resource: GpPooledResource<T>): void;
  _ensureMinimum(): void;
  _createResource(): void;
  _addPooledResourceToAvailableObjects(resource: GpPooledResource<T>): void;
  _dispense(): void;
}

/**
 * The loan record generic-pool keeps per lent resource. Its own (ResourceLoan) is a deferred: a
 * promise (and a Date.now()) per checkout, which only its `drain()` ever awaits. This one is kept
 * per connection and reused; its promise exists only once something asks for it (generic-pool's
 * `drain()` awaits every loan's `promise`), so a checkout costs none, and `resolve()` — called by
 * generic-pool's release()/destroy() and by `InnerPool.release()` — settles it when the loan ends.
 */
export const LOAN = Symbol('unipool.loan');

export class GpLoan<T> {
  readonly pooledResource: GpPooledResource<T>;
  #promise: Promise<void> | undefined = undefined;
  #settle: (() => void) | undefined = undefined;

  constructor(pooledResource: GpPooledResource<T>) {
    this.pooledResource = pooledResource;
  }

  /** Settles when this checkout ends. */
  get promise(): Promise<void> {
    this.#promise ??= new Promise<void>((resolve) => {
      this.#settle = resolve;
    });
    return this.#promise;
  }

  /** The checkout ended; the record is ready for the next one. */
  resolve(): void {
    const settle = this.#settle;
    this.#promise = undefined;
    this.#settle = undefined;
    settle?.();
  }
}

