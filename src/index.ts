/**
 * unipool — one validated pool configuration for PostgreSQL, MySQL/MariaDB, SQLite and Oracle, with
 * connections released as soon as possible.
 */
// The registry and the database are exported as types only: `createDatabases()` builds them, and a
// constructor users could call would bypass its validation and the registry's close().
export { createDatabases, type DatabaseRegistry, type Databases, type CreateDatabasesOptions } from './create-databases.js';
export type { Database } from './database.js';
export type { ReplicaReader } from './replicas/replica-router.js';
export type { AtomicOptions } from './transaction/run-atomic.js';
export type { StreamOptions } from './transaction/stream-rows.js';
export type { ListenOptions, Unlisten } from './notifications/notification-listener.js';
export type { Middleware, MiddlewareResponse } from './transaction/scope.js';
export type { CommitCallback } from './transaction/atomic-block.js';
export type { SqlStatement, SqlTag } from './sql-template.js';
export type { PgPool, PgPoolClient } from './integrations/pg-pool/create-pg-pool.js';
export type { MysqlPool } from './integrations/mysql-pool/mysql-pool.js';
export type { MysqlPoolConnection } from './integrations/mysql-pool/mysql-pool-connection.js';
export type { PromiseMysqlPool } from './integrations/mysql-pool/promise-mysql-pool.js';
export type { PromiseMysqlPoolConnection } from './integrations/mysql-pool/promise-mysql-pool-connection.js';
export type { Logger } from './logger.js';
export {
  UnipoolError,
  ConfigError,
  AcquireTimeoutError,
  PoolClosedError,
  QueueFullError,
  TransactionError,
  ErrorCodes,
  type ErrorCode,
  type ConfigIssue,
} from './errors.js';
// Not the adapter seam itself (`Adapter`): adapters are the project's own, one per engine.
export type { Capabilities, ConnectionSettings, Engine, FieldInfo, IsolationLevel, QueryParams, QueryResult, Row } from './adapter.js';
export type { PoolStats, PoolRole, ReplicaPoolStats, DurationSummary } from './metrics/pool-stats.js';
export type { ResolvedDatabaseConfig, ResolvedPoolOptions, ResolvedReplicaConfig, ReleaseMode } from './config/resolved-config.js';
export type { DatabasesConfig, DatabaseConfig, PoolConfig, ReplicaConfig } from './config/databases-config.js';
export { validateConfig } from './config/validate-config.js';
export { resolveConfig } from './config/resolve-config.js';
