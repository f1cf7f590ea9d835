/**
 * The benchmark suite of DESIGN §8: W1 hot path, W2 external call, W3 transactions, on
 * PostgreSQL, MySQL/MariaDB and SQLite, unipool against the pools people use today.
 *
 *   npm run bench                  full run (≈ 8–9 min), results in bench/results/
 *   npm run bench -- --quick       ≈ 1½ min
 *   npm run bench -- --smoke       CI: tiny durations, checks the results are well-formed
 *
 * See docs/benchmarks-method.md.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_SCHEMA_VERSION, type BenchReport, type WorkloadResult } from '../src/cli/bench/bench-result.js';
import { enableAsyncContext } from '../src/cli/bench/async-context.js';
import { createProgress, type BenchProgress } from '../src/cli/bench/bench-progress.js';
import { DEFAULT_MAX } from '../src/cli/bench/cli-bench.js';
import { machineInfo, packageVersions } from '../src/cli/bench/machine-info.js';
import { renderReportText } from '../src/cli/bench/render-report-text.js';
import { ServerConnections } from '../src/cli/bench/server-connections.js';
import type { BenchEngine } from '../src/cli/bench/workload-sql.js';
import { packageVersion } from '../src/cli/package-version.js';
import { buildAndRun } from './build-and-run.js';
import { checkReport } from './check-report.js';
import { PgBouncer } from './pgbouncer.js';
import { parseSuiteOptions, USAGE, type SuiteOptions } from './suite-options.js';
import { closeSuiteTarget, openSuiteTarget } from './suite-targets.js';
import { writeResults } from './write-results.js';
import { runW1, runW2, runW3, type EngineContext } from './suite-workloads.js';

const here = fileURLToPath(import.meta.url);
// Compiled, this file runs from .tmp/bench-build/bench/; the launcher says where the repository is.
const root = process.env['UNIPOOL_BENCH_ROOT'] ?? resolve(dirname(here), '..');

/** What the engines add to the report as they run. */
interface PartialReport {
  readonly workloads: WorkloadResult[];
  readonly notes: string[];
  readonly servers: Record<string, string>;
}

async function runEngine(engine: BenchEngine, options: SuiteOptions, report: PartialReport, progress: BenchProgress): Promise<void> {
  const target = await openSuiteTarget(engine);
  if (typeof target === 'string') {
    report.notes.push(`${engine} skipped: ${target}.`);
    progress.note(`${engine}: skipped — ${target}`);
    return;
  }
  const server = ServerConnections.open(target.config);
  let pgbouncer: PgBouncer | string | undefined;
  try {
    if (server !== undefined) report.servers[engine] = (await server.version()).replace(/ on .*$/, '').replace(/,.*$/, '');
    if (engine === 'postgres' && options.workloads.has('w1')) {
      pgbouncer = await PgBouncer.start(target.settings, DEFAULT_MAX);
      progress.note(typeof pgbouncer === 'string' ? `PgBouncer: ${pgbouncer}` : `PgBouncer: transaction mode on 127.0.0.1:${pgbouncer.port}`);
    }
    const ctx: EngineContext = { target, options, server, progress, pgbouncer };
    if (options.workloads.has('w1')) report.workloads.push(await runW1(ctx));
    if (typeof pgbouncer === 'object') await pgbouncer.stop();
    pgbouncer = undefined;
    if (options.workloads.has('w2')) report.workloads.push(await runW2(ctx));
    if (options.workloads.has('w3')) report.workloads.push(await runW3(ctx));
  } finally {
    if (typeof pgbouncer === 'object') await pgbouncer.stop();
    await server?.close();
    await closeSuiteTarget(target);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseSuiteOptions(argv, join(root, 'bench/results'), () => mkdtempSync(join(tmpdir(), 'unipool-bench-smoke-')));
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const progress = createProgress(process.stderr, process.stderr.isTTY === true);
  const machine = machineInfo();
  const partial: PartialReport = { workloads: [], notes: [], servers: {} };
  enableAsyncContext();
  const startedAt = performance.now();
  for (const engine of options.engines) await runEngine(engine, options, partial, progress);
  const report: BenchReport = {
    schemaVersion: BENCH_SCHEMA_VERSION,
    date: new Date().toISOString(),
    mode: options.mode,
    machine,
    packages: { unipool: packageVersion(), ...packageVersions(['pg', 'mysql2', 'better-sqlite3', 'knex', 'tarn', 'generic-pool'], root) },
    servers: partial.servers,
    workloads: partial.workloads,
    notes: partial.notes,
  };
  const files = writeResults(options.outDir, report);
  process.stdout.write(`\n${renderReportText(report)}`);
  const shown = relative(process.cwd(), options.outDir) || '.';
  progress.note(`bench: ${Math.round((performance.now() - startedAt) / 1000)} s; wrote ${files.join(', ')} to ${shown}/`);
  if (options.mode !== 'smoke') return 0;
  const expected = [...options.workloads].flatMap((w) => [...options.engines].map((e) => `${w} ${e}`));
  const problems = checkReport(report, expected);
  if (problems.length > 0) {
    process.stderr.write(`bench --smoke: the results are not well-formed:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    return 1;
  }
  progress.note(`bench --smoke: ${report.workloads.length} workload results, all well-formed`);
  return 0;
}

process.exitCode = here.endsWith('.ts') ? await buildAndRun(root, process.argv.slice(2)) : await main(process.argv.slice(2));
