import type { AcquireSite } from './leak-detector.js';
import type { DestroyReason } from './pool-engine.js';

/**
 * Where a connection is in its life. `idle`: in the pool (or being pinged before a borrow);
 * `in-use`: lent out; `destroyed`: closed or being closed; `forced`: it was lent out when
 * `close()` ran out of time and was closed under its holder, whose late `release()` is then a no-op.
 */
export type RecordState = 'idle' | 'in-use' | 'destroyed' | 'forced';

/**
 * One physical connection as the pool tracks it — the one name for a pooled connection everywhere
 * (`raw` is the driver's connection object). The core reads `raw`, `id`, `createdAt`, `uses` and
 * `dirty`; the rest is the engine's bookkeeping. Only the engine changes `state`, through the
 * methods below.
 */
export class PooledConnection<C> {
  /** The driver's connection object. */
  readonly raw: C;
  /** Unique per pool, for diagnostics. */
  readonly id: number;
  /** Clock time (ms) it was opened. */
  readonly createdAt: number;
  /** Which engine lent it out, so a connection from another pool is refused. */
  readonly owner: object;
  /** Clock time after which it is retired (its own, jittered, lifetime); `Infinity` when unlimited. */
  readonly retireAt: number;
  /** Checkouts so far (including the current one). */
  uses = 0;
  /** Session state was changed: the release policy resets it before it goes back to the pool. */
  dirty = false;
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
