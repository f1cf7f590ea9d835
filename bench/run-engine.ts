import type { BenchProgress } from '../src/cli/bench/bench-progress.js';
import type { WorkloadResult } from '../src/cli/bench/bench-result.js';
import { DEFAULT_MAX } from '../src/cli/bench/workloads.js';
import { ServerConnections } from '../src/cli/bench/server-connections.js';
import type { BenchEngine } from '../src/cli/bench/workload-sql.js';
import { PgBouncer } from './pgbouncer.js';
import type { SuiteOptions } from './suite-options.js';
import { closeSuiteTarget, openSuiteTarget } from './suite-targets.js';
import { runW1, runW2, runW3, type EngineContext } from './suite-workloads.js';

/** What the engines add to the report as they run. */
export interface PartialReport {
  readonly workloads: WorkloadResult[];
  readonly notes: string[];
  readonly servers: Record<string, string>;
}

/** Runs the chosen workloads on one engine (its server, PgBouncer, tables set up and torn down). */
export async function runEngine(engine: BenchEngine, options: SuiteOptions, report: PartialReport, progress: BenchProgress): Promise<void> {
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

