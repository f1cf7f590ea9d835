import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionSettings } from '../../adapter.js';
import { resolveConfig } from '../../config/resolve-config.js';
import { UsageError } from '../usage-error.js';
import type { BaseConfig } from './unipool-contender.js';
import type { BenchEngine } from './workload-sql.js';

/** The database a benchmark runs against. */
export interface BenchTarget {
  readonly engine: BenchEngine;
  /** The unipool config of the database, without `pool` and `release`. */
  readonly config: BaseConfig;
  /** The resolved connection settings (for the raw drivers). */
  readonly settings: ConnectionSettings;
  /** What to show for it (the URL without its password, or the temporary file). */
  readonly description: string;
  /** Removes what the target created (the temporary SQLite file). */
  dispose(): void;
}

const SCHEMES: Readonly<Record<string, BenchEngine>> = { postgres: 'postgres', postgresql: 'postgres', mysql: 'mysql', mariadb: 'mysql', sqlite: 'sqlite' };

/** A fresh SQLite database file in a temporary directory, removed by `dispose()`. */
export function temporarySqliteTarget(): BenchTarget {
  const dir = mkdtempSync(join(tmpdir(), 'unipool-bench-'));
  const file = join(dir, 'bench.sqlite3');
  return { ...target('sqlite', { engine: 'sqlite', database: file }, `a temporary SQLite file (${file})`), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The target for `--url`: the engine comes from the scheme, and the URL goes through the same
 * validation as a config file's, so a mistake reads the same as in `unipool check`.
 */
export function urlTarget(url: string): BenchTarget {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  const engine = scheme === undefined ? undefined : SCHEMES[scheme];
  if (engine === undefined) {
    throw new UsageError(`--url: ${scheme === undefined ? 'expected a URL' : `the scheme "${scheme}:" is not one unipool bench runs on`} — use postgres://, mysql:// (or mariadb://) or sqlite:<file>`, { showUsage: true });
  }
  return { ...target(engine, { engine, url }, redact(url)), dispose: () => undefined };
}

function target(engine: BenchEngine, config: BaseConfig, description: string): Omit<BenchTarget, 'dispose'> {
  let settings: ConnectionSettings | undefined;
  try {
    settings = resolveConfig({ default: config })[0]?.connection;
  } catch (error) {
    throw new UsageError(`--url: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (settings === undefined) throw new UsageError('--url: no database could be resolved from it');
  if (engine === 'sqlite' && (settings.database === undefined || settings.database === ':memory:' || settings.database === '')) {
    throw new UsageError('--url: the benchmark needs a SQLite file (an in-memory database has only one connection): use sqlite:./bench.sqlite3');
  }
  return { engine, config, settings, description };
}

/** The URL with any password replaced by `***`. */
export function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}
