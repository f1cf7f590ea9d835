import type { ContenderResult, WorkloadResult } from './bench-result.js';
import { formatMs, formatRate, formatRatio } from './format-number.js';
import type { Table } from './render-table.js';

/** What one operation is called in a workload's table. */
function unit(workload: WorkloadResult): string {
  return workload.workload === 'w1' ? 'queries/s' : workload.workload === 'w2' ? 'requests/s' : 'transactions/s';
}

function server(result: ContenderResult): string {
  if (result.peakServerConnections === null) return '–';
  return `${result.peakServerConnections} / ${result.peakServerBusy ?? '–'}`;
}

/** The label of the baseline contender, for the ratio column's header. */
function baselineLabel(workload: WorkloadResult): string {
  return workload.contenders.find((c) => c.id === workload.baseline)?.label ?? workload.baseline;
}

/** The heading line of a workload: what ran, how hard, for how long. */
export function workloadHeading(workload: WorkloadResult): string {
  return `${workload.title} — ${workload.engine}, ${workload.concurrency} concurrent, max ${workload.max}, ${workload.rounds} × ${workload.durationMs / 1000} s per contender`;
}

/** The table of one workload's contenders. */
export function workloadTable(workload: WorkloadResult): Table {
  const w2 = workload.workload === 'w2';
  const needed = new Map((workload.connectionsNeeded ?? []).map((n) => [n.contender, n]));
  const headers = [
    'contender',
    unit(workload),
    `vs ${baselineLabel(workload)}`,
    ...(w2 && workload.bound !== undefined ? ['of bound'] : []),
    'p50 ms',
    'p99 ms',
    'CPU µs/op',
    'peak in use',
    'server open / busy',
    ...(w2 && needed.size > 0 ? ['max for 95 %'] : []),
    'errors',
  ];
  const rows = workload.contenders.map((c) => [
    c.label,
    formatRate(c.opsPerSec),
    c.id === workload.baseline ? '(baseline)' : formatRatio(c.ratio),
    ...(w2 && workload.bound !== undefined ? [`${Math.round((100 * c.opsPerSec) / workload.bound.requestsPerSec)} %`] : []),
    formatMs(c.latencyMs.p50),
    formatMs(c.latencyMs.p99),
    c.cpuUsPerOp.toFixed(0),
    String(c.peakInUse),
    server(c),
    ...(w2 && needed.size > 0 ? [neededText(needed.get(c.id))] : []),
    String(c.errors),
  ]);
  return { headers, rows, align: headers.map((_, i) => (i === 0 ? 'left' : 'right')) };
}

/** `3`, `> 50 (at least 186)`, or `–`. */
export function neededText(needed: { readonly max: number | null; readonly largestTried: number; readonly atLeast: number | null } | undefined): string {
  if (needed === undefined) return '–';
  if (needed.max !== null) return String(needed.max);
  const floor = needed.atLeast === null ? '' : ` (≥ ${needed.atLeast} by Little's law)`;
  return needed.largestTried > 0 ? `> ${needed.largestTried}${floor}` : `not measured${floor}`;
}

/** W2's bound, in one sentence. */
export function boundSentence(workload: WorkloadResult): string | undefined {
  const bound = workload.bound;
  if (bound === undefined) return undefined;
  return (
    `Concurrency bound: ${bound.concurrency} requests ÷ (${formatMs(bound.outsideCallMs)} ms outside call + 2 × ${formatMs(bound.queryMs)} ms query) = ` +
    `${formatRate(bound.requestsPerSec)} requests/s; 95 % of it is ${formatRate(bound.targetPerSec)} requests/s.`
  );
}
