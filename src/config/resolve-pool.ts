import type { SingleConnectionDatabase } from '../engine-descriptor.js';
import type { ConfigIssue } from '../errors.js';
import { configPath } from './config-path.js';
import type { ResolvedPoolOptions } from './resolved-config.js';
import { schemaFacts } from './schema-facts.js';

/** The pool options after defaults, or why they contradict each other. */
export interface PoolResolution {
  readonly pool: ResolvedPoolOptions | undefined;
  readonly issues: readonly ConfigIssue[];
}

// A single-connection database (SQLite's ":memory:") lives in its one connection: a second
// connection would open a second, empty database, and closing the connection deletes the data. So:
// one connection, never closed by the pool while it lives.
const memoryRules = (memory: SingleConnectionDatabase): readonly (readonly [keyof ResolvedPoolOptions, number, string])[] => [
  ['max', 1, `each connection to "${memory.name}" opens its own empty database; use a file to share data between connections`],
  ['idleTimeoutMs', 0, 'closing its only connection would delete the data'],
  ['maxLifetimeMs', 0, 'retiring its only connection would delete the data'],
  ['maxUses', 0, 'retiring its only connection would delete the data'],
];

/**
 * Applies the pool defaults of the schema (for a single-connection database, e.g. SQLite's in-memory
 * one: max 1 and no idle timeout, lifetime or use limit) and reports what the schema cannot:
 * `min > max`, and an explicit value that contradicts a single-connection database.
 */
export function resolvePool(alias: string, poolInput: unknown, memory: SingleConnectionDatabase | undefined): PoolResolution {
  const issues: ConfigIssue[] = [];
  const report = (key: string, message: string): void => {
    issues.push({ path: configPath([alias, 'pool', key]), message });
  };
  if (poolInput !== undefined && (typeof poolInput !== 'object' || poolInput === null || Array.isArray(poolInput))) {
    return { pool: undefined, issues }; // the schema has reported it
  }
  const explicit: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(poolInput ?? {})) if (value !== undefined) explicit[key] = value;

  const defaults: Record<string, unknown> = { ...schemaFacts().poolDefaults };
  if (memory !== undefined) {
    for (const [key, required, why] of memoryRules(memory)) {
      defaults[key] = required;
      const value = explicit[key];
      if (Number.isInteger(value) && value !== required) report(key, `must be ${required} for ${memory.description}, got ${String(value)} — ${why}`);
    }
  }

  const min = explicit['min'];
  const max = Number.isInteger(explicit['max']) && memory === undefined ? explicit['max'] : defaults['max'];
  if (Number.isInteger(min) && Number.isInteger(max) && (min as number) > (max as number)) {
    if (memory !== undefined) report('min', `must be ≤ 1 for ${memory.description}, got ${String(min)} — it has exactly one connection`);
    else if (Number.isInteger(explicit['max'])) report('min', `must be ≤ max (${String(max)}), got ${String(min)}`);
    else report('min', `must be ≤ max (${String(max)} by default), got ${String(min)} — raise "max" too`);
  }
  if (issues.length > 0) return { pool: undefined, issues };
  return { pool: Object.freeze({ ...defaults, ...explicit }) as unknown as ResolvedPoolOptions, issues };
}
