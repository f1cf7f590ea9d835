import type { AcquireSite } from './leak-detector.js';
import type { DestroyReason, PooledConnection } from './pool-engine.js';

/**
 * Where a connection is in its life. `idle`: in the pool (or being pinged before a borrow);
 * `in-use`: lent out; `destroyed`: closed or being closed; `forced`: it was lent out when
 * `close()` ran out of time and was closed under its holder, whose late `release()` is then a no-op.
 */
export type RecordState = 'idle' | 'in-use' | 'destroyed' | 'forced';

/**
 * The engine's record of one physical connection: the `PooledConnection` the core sees plus the
 * bookkeeping the engine needs. Only the engine changes `state`, through the methods below.
 */
export class PooledRecord<C> implements PooledConnection<C> {
  readonly raw: C;
  readonly id: number;
  readonly createdAt: number;
  /** Which engine lent it out, so a connection from another pool is refused. */
  readonly owner: object;
  /** Clock time after which it is retired (its own, jittered, lifetime); `Infinity` when unlimited. */
  readonly retireAt: number;
  uses = 0;
  dirty = false;
  broken = false;
  /** @internal */
  state: RecordState = 'idle';
  /** @internal Clock time it last became idle (creation or release). */
  idleSince: number;
  /** @internal Clock time of the current checkout. */
  acquiredAt = 0;
  /** @internal Set just before the engine asks generic-pool to destroy it. */
  destroyReason: DestroyReason | undefined = undefined;
  /** @internal Leak-detection timer of the current checkout. */
  leakTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** @internal Where the current checkout was acquired (only with leak detection on). */
  leakSite: AcquireSite | undefined = undefined;

  constructor(owner: object, raw: C, id: number, createdAt: number, retireAt: number) {
    this.owner = owner;
    this.raw = raw;
    this.id = id;
    this.createdAt = createdAt;
    this.idleSince = createdAt;
    this.retireAt = retireAt;
  }

  /** Lend it out. */
  checkOut(now: number): void {
    this.state = 'in-use';
    this.acquiredAt = now;
    this.uses += 1;
  }

  /** Back in the pool. */
  checkIn(now: number): void {
    this.state = 'idle';
    this.idleSince = now;
  }

  /** On its way out; `reason` is what the destroy hook reports. */
  retire(reason: DestroyReason): void {
    this.destroyReason = reason;
    this.state = reason === 'forced' ? 'forced' : 'destroyed';
  }
}
