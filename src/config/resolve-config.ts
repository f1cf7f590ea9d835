import { ConfigError } from '../errors.js';
import { analyzeConfig } from './analyze-config.js';
import type { ResolvedDatabaseConfig } from './resolved-config.js';

/**
 * Validates a configuration and resolves it: defaults applied, URLs parsed, everything deep-frozen,
 * one entry per alias in config order. The input is never modified. Throws `ConfigError`
 * (`UNIPOOL_CONFIG_INVALID`) listing every problem — never a TypeError, whatever `input` is.
 *
 * @example
 * const [db] = resolveConfig({ default: { engine: 'postgres', url: 'postgres://app:pw@db/app' } });
 * db.connection.host; // 'db'
 * db.pool.max;        // 10
 */
export function resolveConfig(input: unknown): readonly ResolvedDatabaseConfig[] {
  const { issues, databases } = analyzeConfig(input);
  if (databases === undefined) throw new ConfigError(issues);
  return databases;
}
