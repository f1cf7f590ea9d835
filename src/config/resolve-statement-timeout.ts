import type { Engine } from '../adapter.js';
import type { ConfigIssue } from '../errors.js';
import { descriptors } from '../engine-descriptors.js';
import { configPath } from './config-path.js';

/**
 * The problem with a database's `statementTimeoutMs`, if any. The schema checks its range; what it
 * cannot express is an engine that has no way to enforce a limit (SQLite): a limit there is
 * refused rather than silently ignored, because code relying on it would run unbounded. 0 (no
 * limit) is accepted everywhere, so one config shape still fits every engine.
 */
export function statementTimeoutIssues(alias: string, engine: Engine, value: unknown): ConfigIssue[] {
  const why = descriptors[engine].statementTimeoutUnsupported;
  if (why === undefined || typeof value !== 'number' || value <= 0) return [];
  return [{ path: configPath([alias, 'statementTimeoutMs']), message: `must be 0 or absent for ${engine}, got ${value} — ${why}` }];
}
