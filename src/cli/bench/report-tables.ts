import type { ConcurrencyBound, ConnectionsNeeded, ContenderResult, WorkloadResult } from './bench-result.js';
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
  const hasServer = workload.contenders.some((c) => c.peakServerConnections !== null);
  const needed = new Map((workload.connectionsNeeded ?? []).map((n) => [n.contender, n]));
  // Only where some pool starved callers (and in results that measured it): otherwise all zeros.
  const starved = workload.contenders.some((c) => (c.starvedLoops ?? 0) > 0);
  const headers = [
    'contender',
    unit(workload),
    // A median of per-round ratios: steadier than the ratio of the totals, so the two can differ.
    `vs ${baselineLabel(workload)} (median of rounds)`,
    ...(w2 && workload.bound !== undefined ? ['of bound'] : []),
    'p50 ms',
    'p99 ms',
    'CPU µs/op',
    'peak in use',
    ...(starved ? ['loops starved'] : []),
    ...(hasServer ? ['server open / busy'] : []),
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
    ...(starved ? [c.starvedLoops === undefined ? '–' : `${c.starvedLoops} of ${workload.concurrency}`] : []),
    ...(hasServer ? [server(c)] : []),
    ...(w2 && needed.size > 0 ? [neededText(needed.get(c.id))] : []),
    String(c.errors),
  ]);
  return { headers, rows, align: headers.map((_, i) => (i === 0 ? 'left' : 'right')) };
}

/** `3`; `> 50 (≥ 190)` for a holder; `2 (CPU-bound)` when the machine capped throughput below the bound; `–`. */
export function neededText(needed: ConnectionsNeeded | undefined): string {
  if (needed === undefined) return '–';
  if (needed.max !== null) return String(needed.max);
  if (needed.atLeast !== null) return needed.largestTried > 0 ? `> ${needed.largestTried} (≥ ${needed.atLeast})` : `≥ ${needed.atLeast}`;
  if (needed.plateauMax !== null) return `${needed.plateauMax} (CPU-bound)`;
  return needed.largestTried > 0 ? `> ${needed.largestTried}` : '–';
}

/** The same figure, as a sentence that says where it comes from. */
export function neededSentence(needed: ConnectionsNeeded, bound: ConcurrencyBound | undefined): string {
  const head = `Connections needed for 95 % of the bound, ${needed.label}:`;
  if (needed.max !== null) return `${head} ${needed.max} (the smallest max that served ${formatRate(bound?.targetPerSec ?? 0)} requests/s).`;
  const tried = needed.largestTried > 0 ? `not reached at max ≤ ${needed.largestTried}` : 'not measured';
  if (needed.atLeast !== null) {
    return `${head} ${tried}; it holds a connection through each outside call, so by Little's law it needs at least ${needed.atLeast} (95 % of the bound × ${formatMs((bound?.outsideCallMs ?? 0))} ms).`;
  }
  if (needed.plateauMax !== null) {
    return `${head} ${tried} — this machine's CPU capped it at ${formatRate(needed.bestPerSec)} requests/s (${Math.round((100 * needed.bestPerSec) / (bound?.requestsPerSec ?? 1))} % of the bound); 95 % of that took max ${needed.plateauMax}.`;
  }
  return `${head} ${tried}.`;
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
