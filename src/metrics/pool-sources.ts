import type { PoolStats } from './pool-stats.js';
import type { PoolMetricsSource } from './prometheus-text.js';

/**
 * The pool engine behind each `Database`, for `dbs.metrics()`: the histograms' buckets are not part
 * of the public `Database` API, so the registry looks them up here. Weak, so a dropped registry's
 * databases and engines can be collected.
 */
const sources = new WeakMap<object, PoolMetricsSource>();

/** Remembers the engine behind `db` (called once, when the database is opened). */
export function registerPoolSource(db: object, source: PoolMetricsSource): void {
  sources.set(db, source);
}

/** The engine behind `db`; a database opened some other way falls back to its public `stats()`. */
export function poolSource(db: { stats(): PoolStats }): PoolMetricsSource {
  return sources.get(db) ?? { stats: () => db.stats() };
}
