import type { ResolvedDatabaseConfig } from '../config/resolved-config.js';

/**
 * Each read replica of `config` as a database config of its own: the primary's engine, alias,
 * release policy and driver settings, with the replica's connection and pool. What opens a pool
 * (`createDatabases()`) or a diagnostic connection (`unipool doctor`) needs nothing else.
 */
export function replicaDatabaseConfigs(config: ResolvedDatabaseConfig): readonly { readonly name: string; readonly config: ResolvedDatabaseConfig }[] {
  if (config.replicas === undefined) return [];
  const { replicas, ...primary } = config;
  return replicas.map((replica) => ({ name: replica.name, config: Object.freeze({ ...primary, connection: replica.connection, pool: replica.pool }) }));
}
