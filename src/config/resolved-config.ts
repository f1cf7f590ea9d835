import type { ConnectionSettings, Engine } from '../adapter.js';

/** Release policy: `asap` releases after each statement outside a transaction; `request` holds per scope. */
export type ReleaseMode = 'asap' | 'request';

/** The backend-agnostic pool options after defaults are applied (the documented defaults: docs/reference/configuration). */
export interface ResolvedPoolOptions {
  readonly min: number;
  readonly max: number;
  readonly acquireTimeoutMs: number;
  /** `null` = unlimited; 0 = never queue (fail at once when no connection is free). */
  readonly maxWaiting: number | null;
  /** 0 = never close idle connections. */
  readonly idleTimeoutMs: number;
  /** 0 = no lifetime limit. */
  readonly maxLifetimeMs: number;
  /** 0 = off. */
  readonly maxUses: number;
  readonly validateAfterIdleMs: number;
  readonly connectTimeoutMs: number;
  readonly order: 'lifo' | 'fifo';
  /** 0 = off. */
  readonly leakDetectionMs: number;
}

/** One database after validation: frozen, defaults applied, URL parsed. */
export interface ResolvedDatabaseConfig {
  readonly alias: string;
  readonly engine: Engine;
  readonly connection: ConnectionSettings;
  readonly release: ReleaseMode;
  readonly pool: ResolvedPoolOptions;
  /** Prepared statements kept per connection (0 = off); undefined = the engine's default. */
  readonly statementCacheSize?: number;
  /** Pipelining (PostgreSQL): statements known not to change state may share a connection; false = every statement alone. */
  readonly pipeline: boolean;
  /** Longest run of one statement, in ms; undefined = no limit (the config's 0 or absence). */
  readonly statementTimeoutMs?: number;
  /** Read replicas (`db.replica`), in config order; absent when none is configured. */
  readonly replicas?: readonly ResolvedReplicaConfig[];
}

/** One read replica: its own settings (gaps filled from the primary's) and its own pool. */
export interface ResolvedReplicaConfig {
  /** `host:port`: the `replica` label in stats and metrics. */
  readonly name: string;
  readonly connection: ConnectionSettings;
  readonly pool: ResolvedPoolOptions;
}
