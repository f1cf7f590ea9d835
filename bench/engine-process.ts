import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchProgress } from '../src/cli/bench/bench-progress.js';
import type { BenchEngine } from '../src/cli/bench/workload-sql.js';
import type { PartialReport } from './run-engine.js';
import type { SuiteOptions } from './suite-options.js';

/**
 * Runs one engine's workloads in a process of its own and adds its results to `report`. Each
 * engine starts from the same state: the JIT has seen only this engine's adapter and driver (in one
 * process, the code shared by every engine — unipool's, not the drivers' — would reach the later
 * engines already polymorphic), and no heap or timers are left over from the engine before.
 */
export async function runEngineInChild(script: string, engine: BenchEngine, options: SuiteOptions, report: PartialReport, progress: BenchProgress): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'unipool-bench-engine-'));
  const file = join(dir, `${engine}.json`);
  const args = [script, ...(options.mode === 'full' ? [] : [`--${options.mode}`]), '--only', [...options.workloads].join(','), '--engines', engine, '--partial', file];
  try {
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: 'inherit', env: process.env });
      child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal === null ? 1 : 130)));
      child.once('error', () => resolve(1));
    });
    let partial: PartialReport | undefined;
    try {
      partial = JSON.parse(readFileSync(file, 'utf8')) as PartialReport;
    } catch {
      partial = undefined;
    }
    if (code !== 0 || partial === undefined) {
      report.notes.push(`${engine}: the benchmark process failed (exit code ${code}); see its output above.`);
      progress.note(`${engine}: the benchmark process failed (exit code ${code})`);
      return;
    }
    report.workloads.push(...partial.workloads);
    report.notes.push(...partial.notes);
    Object.assign(report.servers, partial.servers);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
