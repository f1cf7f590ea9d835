import type { Engine } from '../adapter.js';
import type { ConfigIssue } from '../errors.js';
import { configPath } from './config-path.js';
import { resolveConnection } from './resolve-connection.js';
import { resolvePool } from './resolve-pool.js';
import { resolveReplicas } from './resolve-replicas.js';
import { statementTimeoutIssues } from './resolve-statement-timeout.js';
import type { ReleaseMode, ResolvedDatabaseConfig } from './resolved-config.js';
import { schemaIssues } from './schema-validator.js';
import { snapshotConfig } from './snapshot-config.js';
import { ENGINE_NAMES } from '../engine-descriptors.js';

/** The outcome of checking a configuration: every problem, or the resolved databases. */
export interface ConfigAnalysis {
  readonly issues: readonly ConfigIssue[];
  /** Set only when there is no issue. */
  readonly databases: readonly ResolvedDatabaseConfig[] | undefined;
}


/**
 * The one validator behind `createDatabases()`, `resolveConfig()`, `validateConfig()` and
 * `unipool check`: snapshot the input, check it against the schema, then check what the schema
 * cannot express, and resolve. Never throws for any input; problems are returned, all of them.
 */
export function analyzeConfig(input: unknown): ConfigAnalysis {
  try {
    return analyze(input);
  } catch (error) {
    // Defence in depth: a bug here must still surface as a config problem, never as a TypeError
    // from deep inside the validator.
    const detail = error instanceof Error ? error.message : 'unknown error';
    return { issues: [{ path: configPath([]), message: `could not be validated (${detail}) — this is a bug in unipool, please report it` }], databases: undefined };
  }
}

function analyze(input: unknown): ConfigAnalysis {
  const snapshot = snapshotConfig(input);
  const schema = schemaIssues(withPasswordFunctionsAsText(snapshot.value)).filter((issue) => !snapshot.unreadable.some((path) => isUnder(issue.path, configPath(path))));
  const issues: ConfigIssue[] = [...snapshot.issues, ...schema];
  const schemaPaths = new Set(schema.map((issue) => issue.path));
  const databases: ResolvedDatabaseConfig[] = [];

  const root = snapshot.value;
  if (isRecord(root)) {
    for (const alias of Object.keys(root)) {
      const db = root[alias];
      // A database with a part that could not be read has been reported; guessing more would mislead.
      if (alias === '$schema' || !isRecord(db) || snapshot.unreadable.some((path) => path[0] === alias)) continue;
      const engine = db['engine'];
      if (typeof engine !== 'string' || !(ENGINE_NAMES as readonly string[]).includes(engine)) continue;
      const connection = resolveConnection(alias, engine as Engine, db);
      const pool = resolvePool(alias, db['pool'], connection.memory);
      const replicas = resolveReplicas(alias, engine as Engine, db, connection.settings);
      const timeout = statementTimeoutIssues(alias, engine as Engine, db['statementTimeoutMs']);
      // A place the schema already complained about needs no second message.
      for (const issue of [...connection.issues, ...pool.issues, ...replicas.issues, ...timeout]) if (!schemaPaths.has(issue.path)) issues.push(issue);
      if (connection.settings !== undefined && pool.pool !== undefined && replicas.replicas !== undefined && timeout.length === 0) {
        const release = (db['release'] ?? 'asap') as ReleaseMode;
        const statementCacheSize = db['statementCacheSize'] as number | undefined;
        const statementTimeoutMs = db['statementTimeoutMs'] as number | undefined;
        databases.push(
          Object.freeze({
            alias,
            engine: engine as Engine,
            connection: connection.settings,
            release,
            pool: pool.pool,
            pipeline: (db['pipeline'] ?? true) as boolean,
            ...(statementCacheSize === undefined ? {} : { statementCacheSize }),
            // 0 means "no limit": one spelling (absent) for it from here on.
            ...(statementTimeoutMs === undefined || statementTimeoutMs === 0 ? {} : { statementTimeoutMs }),
            ...(replicas.replicas.length === 0 ? {} : { replicas: replicas.replicas }),
          }),
        );
      }
    }
  }
  if (issues.length > 0) return { issues: Object.freeze(sortByDatabase(dedupe(issues), root)), databases: undefined };
  return { issues: Object.freeze([]), databases: Object.freeze(databases) };
}

/**
 * The schema checks JSON, where `password` is a string; from JavaScript it may also be a function
 * (called at each connect). The schema sees a stand-in string for it, so every other rule about
 * the database still applies and nothing calls the function while validating.
 */
function withPasswordFunctionsAsText(root: unknown): unknown {
  if (!isRecord(root)) return root;
  const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [alias, db] of Object.entries(root)) {
    copy[alias] = isRecord(db) && typeof db['password'] === 'function' ? Object.assign(Object.create(null) as Record<string, unknown>, db, { password: '(function)' }) : db;
  }
  return copy;
}

/** Root-level problems first, then each database's in config order; the order within stays. */
function sortByDatabase(issues: ConfigIssue[], root: unknown): ConfigIssue[] {
  const order = isRecord(root) ? Object.keys(root).map((alias) => configPath([alias])) : [];
  const rank = (issue: ConfigIssue): number => {
    const index = order.findIndex((prefix) => isUnder(issue.path, prefix));
    return index < 0 ? -1 : index;
  };
  return issues.map((issue, index) => ({ issue, index, rank: rank(issue) })).sort((a, b) => a.rank - b.rank || a.index - b.index).map((entry) => entry.issue);
}

function dedupe(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\n${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
