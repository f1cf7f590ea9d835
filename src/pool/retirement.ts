import type { ResolvedPoolOptions } from '../config/resolved-config.js';
import type { DestroyReason } from './pool-engine.js';
import type { PooledConnection } from './pooled-connection.js';

/**
 * Each connection's lifetime is up to this fraction shorter than `maxLifetimeMs`, at random
 * (HikariCP takes up to 2.5 % off too), so connections opened together do not all retire, and
 * reconnect, in the same second.
 */
export const LIFETIME_JITTER = 0.025;

/**
 * When a connection leaves the pool instead of being reused: lifetime (with jitter), `maxUses`,
 * idle timeout above `min`, and the flags the core sets. One place decides, so the rules read together.
 */
export class Retirement {
  readonly #maxLifetimeMs: number;
  readonly #maxUses: number;
  readonly #idleTimeoutMs: number;
  readonly #min: number;
  readonly #random: () => number;

  constructor(pool: ResolvedPoolOptions, random: () => number) {
    this.#maxLifetimeMs = pool.maxLifetimeMs;
    this.#maxUses = pool.maxUses;
    this.#idleTimeoutMs = pool.idleTimeoutMs;
    this.#min = pool.min;
    this.#random = random;
  }

  /** The clock time a connection opened at `createdAt` should retire (`Infinity` when unlimited). */
  retireAt(createdAt: number): number {
    if (this.#maxLifetimeMs <= 0) return Number.POSITIVE_INFINITY;
    return createdAt + this.#maxLifetimeMs * (1 - LIFETIME_JITTER * this.#random());
  }

  /** Why a connection coming back from its holder must be destroyed, or `undefined` to reuse it. */
  onRelease(record: PooledConnection<unknown>, now: number): DestroyReason | undefined {
    // The release policy resets session state before releasing (a connection the driver reported
    // dead is destroyed there, never released); one still dirty must not reach the next borrower,
    // so it is closed rather than trusted.
    if (record.dirty) return 'bad-state';
    if (this.#maxUses > 0 && record.uses >= this.#maxUses) return 'max-uses';
    if (now >= record.retireAt) return 'lifetime';
    return undefined;
  }

  /** Why an idle connection should be closed now, given the number of open connections. */
  whileIdle(record: PooledConnection<unknown>, now: number, size: number): DestroyReason | undefined {
    if (now >= record.retireAt) return 'lifetime';
    if (this.#idleTimeoutMs > 0 && size > this.#min && now - record.idleSince >= this.#idleTimeoutMs) return 'idle';
    return undefined;
  }

  /** True when an idle connection's lifetime is over (checked again on borrow, between sweeps). */
  expired(record: PooledConnection<unknown>, now: number): boolean {
    return now >= record.retireAt;
  }

  /**
   * How often the idle sweep runs: a quarter of the shortest idle/lifetime limit, between 50 ms and
   * 5 s, so a connection is closed at most 5 s after it qualifies; 0 (no sweep) when both limits
   * are off and no `min` has to be kept.
   */
  sweepIntervalMs(): number {
    const limits = [this.#idleTimeoutMs, this.#maxLifetimeMs].filter((ms) => ms > 0);
    if (limits.length === 0) return this.#min > 0 ? 5000 : 0;
    return Math.min(5000, Math.max(50, Math.floor(Math.min(...limits) / 4)));
  }
}
