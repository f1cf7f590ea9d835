import type { ConfigIssue } from '../errors.js';
import { analyzeConfig } from './analyze-config.js';

/** The verdict of `validateConfig()`. */
export interface ConfigValidation {
  readonly valid: boolean;
  /** Every problem, each with its path; empty when valid. */
  readonly issues: readonly ConfigIssue[];
}

/**
 * Checks a configuration without throwing — the same validator as `createDatabases()` and
 * `unipool check`. Never throws, whatever `input` is.
 *
 * @example validateConfig({ default: { engine: 'sqlite', database: ':memory:', pool: { max: 0 } } })
 * // { valid: false, issues: [{ path: 'databases.default.pool.max', message: 'must be ≥ 1, got 0' }] }
 */
export function validateConfig(input: unknown): ConfigValidation {
  const { issues } = analyzeConfig(input);
  return { valid: issues.length === 0, issues };
}
