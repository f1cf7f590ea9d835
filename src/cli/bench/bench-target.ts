import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionSettings } from '../../adapter.js';
import { resolveConfig } from '../../config/resolve-config.js';
import { descriptors, ENGINE_NAMES } from '../../engine-descriptors.js';
import { UsageError } from '../usage-error.js';
import type { BaseConfig } from './unipool-contender.js';
import { BENCH_ENGINES, isBenchEngine, type BenchEngine } from './workload-sql.js';

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
  const engine = scheme === undefined ? undefined : ENGINE_NAMES.find((e) => descriptors[e].urlSchemes.includes(scheme));
  if (engine === undefined || !isBenchEngine(engine)) {
    throw new UsageError(`--url: ${scheme === undefined ? 'expected a URL' : `the scheme "${scheme}:" is not one unipool bench runs on`} — use ${benchSchemes()}`, { showUsage: true });
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
  const { file, singleConnectionDatabase } = descriptors[engine];
  if (file && (settings.database === undefined || settings.database === singleConnectionDatabase?.name || settings.database === '')) {
    throw new UsageError('--url: the benchmark needs a SQLite file (an in-memory database has only one connection): use sqlite:./bench.sqlite3');
  }
  return { engine, config, settings, description };
}

/** The URL schemes of the engines the benchmark runs on, from their descriptors: "postgres:// (or postgresql://), …". */
function benchSchemes(): string {
  const shown = BENCH_ENGINES.map((engine) => {
    const { file, urlSchemes } = descriptors[engine];
    const [first, ...others] = urlSchemes.map((scheme) => (file ? `${scheme}:` : `${scheme}://`));
    return file ? `${first ?? ''}<file>` : `${first ?? ''}${others.length > 0 ? ` (or ${others.join(', ')})` : ''}`;
  });
  return `${shown.slice(0, -1).join(', ')} or ${shown.at(-1) ?? ''}`;
}

/** The URL with any password replaced by `***`. */
export function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}
