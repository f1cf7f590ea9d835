import type { BenchReport, ContenderResult, WorkloadResult } from '../src/cli/bench/bench-result.js';
import { BENCH_SCHEMA_VERSION } from '../src/cli/bench/bench-result.js';

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function checkContender(where: string, c: ContenderResult): string[] {
  const problems: string[] = [];
  if (typeof c.id !== 'string' || c.id === '') problems.push(`${where}: no id`);
  if (!(finite(c.ops) && c.ops > 0)) problems.push(`${where}: no operations completed (${c.firstError ?? 'no error recorded'})`);
  for (const [name, value] of Object.entries({ opsPerSec: c.opsPerSec, p50: c.latencyMs?.p50, p99: c.latencyMs?.p99, cpuUsPerOp: c.cpuUsPerOp, peakInUse: c.peakInUse })) {
    if (!finite(value) || value < 0) problems.push(`${where}: ${name} is ${String(value)}`);
  }
  if (finite(c.latencyMs?.p50) && finite(c.latencyMs?.p99) && c.latencyMs.p99 < c.latencyMs.p50) problems.push(`${where}: p99 below p50`);
  if (!Array.isArray(c.roundOpsPerSec) || c.roundOpsPerSec.length === 0) problems.push(`${where}: no rounds`);
  if (c.ratio !== null && !finite(c.ratio)) problems.push(`${where}: ratio is ${String(c.ratio)}`);
  return problems;
}

function checkWorkload(w: WorkloadResult): string[] {
  const where = `${w.workload} ${w.engine}`;
  const problems: string[] = [];
  if (w.contenders.length === 0) problems.push(`${where}: no contenders`);
  if (!w.contenders.some((c) => c.id === w.baseline)) problems.push(`${where}: baseline "${w.baseline}" did not run`);
  for (const c of w.contenders) problems.push(...checkContender(`${where} ${c.id}`, c));
  if (w.workload === 'w2') {
    if (w.bound === undefined || !(w.bound.requestsPerSec > 0)) problems.push(`${where}: no concurrency bound`);
    if ((w.sweep ?? []).length === 0) problems.push(`${where}: empty sweep`);
    if (!(w.connectionsNeeded ?? []).some((n) => n.contender === 'unipool-asap')) problems.push(`${where}: no connections-needed figure for unipool-asap`);
  }
  return problems;
}

/**
 * Checks that a report is complete and well-formed — never how fast anything was. Returns the
 * problems found (empty when fine). `expected` lists the workload/engine pairs that must be there.
 */
export function checkReport(report: BenchReport, expected: readonly string[]): string[] {
  const problems: string[] = [];
  if (report.schemaVersion !== BENCH_SCHEMA_VERSION) problems.push(`schemaVersion is ${String(report.schemaVersion)}`);
  if (Number.isNaN(Date.parse(report.date))) problems.push(`date "${report.date}" is not a date`);
  if (!(report.machine?.cpus > 0) || typeof report.machine.node !== 'string') problems.push('machine info missing');
  if (typeof report.packages?.['unipool'] !== 'string') problems.push('unipool version missing');
  for (const key of expected) {
    if (!report.workloads.some((w) => `${w.workload} ${w.engine}` === key)) problems.push(`${key}: missing`);
  }
  for (const w of report.workloads) problems.push(...checkWorkload(w));
  return problems;
}
