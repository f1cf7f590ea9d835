import { pgSslOption, requirePg } from '../../../adapters/postgres/index.js';
import type { DatabaseCore } from '../../database-core.js';
import { UnipoolError } from '../../errors.js';
import { PgPoolBridge } from './pg-pool-bridge.js';
import { pgPoolClass, type PgPool } from './pg-pool-class.js';

/**
 * pg's `Pool` options mirroring the database's config, so libraries that read `pool.options`
 * (Prisma's shadow database, Kysely's cancel connection, `options.max`) see unipool's settings.
 * pg-pool hides the password (non-enumerable) itself.
 */
function poolOptions(core: DatabaseCore): Record<string, unknown> {
  const { connection, pool } = core.config;
  const options: Record<string, unknown> = {
    max: pool.max,
    min: pool.min,
    idleTimeoutMillis: pool.idleTimeoutMs,
    connectionTimeoutMillis: pool.connectTimeoutMs,
    maxUses: pool.maxUses === 0 ? Infinity : pool.maxUses,
    maxLifetimeSeconds: pool.maxLifetimeMs / 1000,
  };
  if (connection.host !== undefined) options.host = connection.host;
  if (connection.port !== undefined) options.port = connection.port;
  if (connection.database !== undefined) options.database = connection.database;
  if (connection.user !== undefined) options.user = connection.user;
  // pg calls a password function itself for every new connection, as unipool does.
  const password = connection.passwordFunction ?? connection.password;
  if (password !== undefined) options.password = password;
  const ssl = pgSslOption(connection.ssl);
  if (ssl !== undefined) options.ssl = ssl;
  return options;
}

/**
 * The `pg.Pool` of one PostgreSQL database, built from the application's own `pg`.
 * `UNIPOOL_UNSUPPORTED` on other engines.
 * @internal
 */
export function createPgPool(core: DatabaseCore): PgPool {
  if (core.config.engine !== 'postgres') {
    throw new UnipoolError('UNIPOOL_UNSUPPORTED', `unipool: pool "${core.config.alias}": pgPool() needs engine "postgres", but this database's engine is "${core.config.engine}".${core.config.engine === 'mysql' ? ' Use db.mysqlPool() for mysql2-based libraries.' : ''}`);
  }
  const PgPoolClass = pgPoolClass(requirePg());
  return new PgPoolClass(new PgPoolBridge(core), poolOptions(core));
}

export type { PgPool, PgPoolClient } from './pg-pool-class.js';
