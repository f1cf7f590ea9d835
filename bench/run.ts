/**
 * The benchmark suite: W1 hot path, W2 external call, W3 transactions, on
 * PostgreSQL, MySQL/MariaDB and SQLite, unipool against the pools people use today.
 *
 *   npm run bench                  full run (≈ 8–9 min), results in bench/results/
 *   npm run bench -- --quick       ≈ 1½ min
 *   npm run bench -- --smoke       CI: tiny durations, checks the results are well-formed
 *
 * See docs/contributing/benchmark-method.md.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_SCHEMA_VERSION, type BenchReport } from '../src/cli/bench/bench-result.js';
import { enableAsyncContext } from '../src/cli/bench/async-context.js';
import { createProgress } from '../src/cli/bench/bench-progress.js';
import { machineInfo, packageVersions } from '../src/cli/bench/machine-info.js';
import { renderReportText } from '../src/cli/bench/render-report-text.js';
import { packageVersion } from '../src/cli/package-version.js';
import { buildAndRun } from './build-and-run.js';
import { checkReport } from './check-report.js';
import { runEngineInChild } from './engine-process.js';
import { runEngine, type PartialReport } from './run-engine.js';
import { parseSuiteOptions, USAGE } from './suite-options.js';
import { writeResults } from './write-results.js';

const here = fileURLToPath(import.meta.url);
// Compiled, this file runs from .tmp/bench-build/bench/; the launcher says where the repository is.
const root = process.env['UNIPOOL_BENCH_ROOT'] ?? resolve(dirname(here), '..');

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
  const partial: PartialReport = { workloads: [], notes: [], servers: {} };
  if (options.partialFile !== undefined) {
    // A child of the run below: one engine, results to the file.
    enableAsyncContext();
    for (const engine of options.engines) await runEngine(engine, options, partial, progress);
    writeFileSync(options.partialFile, JSON.stringify(partial));
    return 0;
  }
  const machine = machineInfo();
  const startedAt = performance.now();
  for (const engine of options.engines) await runEngineInChild(here, engine, options, partial, progress);
  const report: BenchReport = {
    schemaVersion: BENCH_SCHEMA_VERSION,
    date: new Date().toISOString(),
    mode: options.mode,
    machine,
    packages: { unipool: packageVersion(), ...packageVersions(['pg', 'mysql2', 'better-sqlite3', 'knex', 'tarn', 'generic-pool', 'postgres', 'mariadb'], root) },
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
