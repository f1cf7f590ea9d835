import { Histogram } from '../metrics/histogram.js';
import type { PoolRole, PoolStats } from '../metrics/pool-stats.js';
import type { PoolCounts } from './acquire-errors.js';
import type { PoolHistograms } from './pool-engine.js';

/** What `stats()` adds to the counters: who the pool is and its limits. */
export interface PoolIdentity {
  readonly alias: string;
  readonly engine: string;
  readonly role: PoolRole;
  /** Set on a replica's pool only. */
  readonly replica: string | undefined;
  readonly min: number;
  readonly max: number;
}

/**
 * The totals and histograms behind `stats()`. A plain bag of numbers the engine bumps on its hot
 * path (field increments, no calls), with the snapshot logic kept here.
 */
export class PoolCounters {
  acquired = 0;
  released = 0;
  created = 0;
  destroyed = 0;
  timeouts = 0;
  rejected = 0;
  errors = 0;
  leaks = 0;
  readonly waitMs = new Histogram();
  readonly holdMs = new Histogram();
  readonly createMs = new Histogram();

  /** `PoolStats` for the given live counts. */
  snapshot(identity: PoolIdentity, counts: PoolCounts): PoolStats {
    return {
      alias: identity.alias,
      engine: identity.engine,
      role: identity.role,
      ...(identity.replica === undefined ? {} : { replica: identity.replica }),
      size: counts.size,
      idle: counts.idle,
      inUse: counts.inUse,
      waiting: counts.waiting,
      min: identity.min,
      max: identity.max,
      acquired: this.acquired,
      released: this.released,
      created: this.created,
      destroyed: this.destroyed,
      timeouts: this.timeouts,
      rejected: this.rejected,
      errors: this.errors,
      leaks: this.leaks,
      waitMs: this.waitMs.summary(),
      holdMs: this.holdMs.summary(),
      createMs: this.createMs.summary(),
    };
  }

  /** The live histograms, for exporters. */
  histograms(): PoolHistograms {
    return { waitMs: this.waitMs, holdMs: this.holdMs, createMs: this.createMs };
  }
}
