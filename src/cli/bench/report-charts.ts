import type { BenchReport, ConnectionsNeeded, ContenderResult, WorkloadResult } from './bench-result.js';
import { formatRate, formatRatio } from './format-number.js';
import { neededText } from './report-tables.js';
import { barChart, lineChart, type Bar, type Tone } from './svg-chart.js';

/** A chart to write: its file name (`w1-throughput.svg`) and content. */
export interface ChartFile {
  readonly file: string;
  readonly svg: string;
}

function tone(id: string): Tone {
  return id === 'unipool-asap' ? 'ours' : id.startsWith('unipool') ? 'ours-alt' : 'peer';
}

function throughputBar(c: ContenderResult, workload: WorkloadResult, per: string): Bar {
  const ratio = c.id === workload.baseline ? '' : ` (${formatRatio(c.ratio)})`;
  return { label: c.label, value: c.opsPerSec, valueText: `${formatRate(c.opsPerSec)} ${per}${ratio}`, tone: tone(c.id) };
}

function subtitle(report: BenchReport): string {
  const m = report.machine;
  return `${report.date.slice(0, 10)} · ${m.cpus} CPUs (${m.cpuModel}) · Node ${m.node} · ratios vs the raw driver; higher is better`;
}

const CAPTIONS = {
  w1: 'W1, the hot path: 64 concurrent loops each run a one-row SELECT, so the pool\'s own bookkeeping is all that differs. Each engine has its own scale; the figure in brackets is unipool\'s throughput over the raw driver pool\'s, the median of the per-round ratios (so it can differ slightly from the ratio of the two totals shown).',
  w3: 'W3, transactions: 64 concurrent loops each run SELECT … FOR UPDATE and an UPDATE in one transaction. The bracketed ratio is over raw BEGIN/COMMIT on the driver, the median of per-round ratios.',
  w2: 'W2, the motivating case: 200 concurrent requests each run a query, await a 50 ms outside call, and run another query, with pool max 10. Releasing the connection during the outside call (asap) serves many more requests than holding it for the whole request; "peak in use" is the most connections lent out at once.',
  needed: 'The smallest pool max at which each contender reaches 95 % of the concurrency bound (200 requests per 52 ms). Solid bars were measured. Hatched, outlined bars are estimates: a contender that holds a connection through each outside call needs at least (95 % of the bound × 50 ms) connections by Little\'s law, beyond the largest max the sweep tried.',
  sweep: 'Requests per second as the pool max grows (log scale). The dashed line is 95 % of the concurrency bound; a sweep stops at the first max that reaches it, or when more connections stop helping.',
} as const;

function throughputChart(report: BenchReport, kind: 'w1' | 'w3', title: string, per: string): ChartFile | undefined {
  const workloads = report.workloads.filter((w) => w.workload === kind);
  if (workloads.length === 0) return undefined;
  return {
    file: `${kind}-throughput.svg`,
    svg: barChart({
      title,
      subtitle: subtitle(report),
      caption: CAPTIONS[kind],
      groups: workloads.map((w) => ({ name: `${w.engine} — ${w.concurrency} loops, max ${w.max}`, bars: w.contenders.map((c) => throughputBar(c, w, per)) })),
    }),
  };
}

/** A measured count is a solid bar; a Little's-law lower bound is an estimate and says so. */
function neededBar(needed: ConnectionsNeeded): Bar {
  const bar = { label: needed.label, tone: tone(needed.contender) };
  if (needed.max === null && needed.atLeast !== null) {
    const measured = needed.largestTried > 0 ? `; > ${needed.largestTried} measured` : '';
    return { ...bar, value: needed.atLeast, valueText: `≥ ${needed.atLeast} (estimate${measured})`, estimate: true };
  }
  return { ...bar, value: needed.max ?? needed.plateauMax ?? needed.largestTried, valueText: neededText(needed) };
}

function w2Charts(report: BenchReport): ChartFile[] {
  const workloads = report.workloads.filter((w) => w.workload === 'w2');
  if (workloads.length === 0) return [];
  const charts: ChartFile[] = [
    {
      file: 'w2-throughput.svg',
      svg: barChart({
        title: 'W2 external call: requests/s at max 10 (higher is better)',
        subtitle: `${workloads[0]?.concurrency ?? 200} concurrent requests, each a query, a 50 ms outside call, a query`,
        caption: CAPTIONS.w2,
        groups: workloads.map((w) => ({
          name: `${w.engine}${w.bound === undefined ? '' : ` — bound ${formatRate(w.bound.requestsPerSec)} req/s`}`,
          bars: w.contenders.map((c) => ({ label: c.label, value: c.opsPerSec, valueText: `${formatRate(c.opsPerSec)} req/s, peak ${c.peakInUse} in use`, tone: tone(c.id) })),
        })),
      }),
    },
  ];
  const withNeeded = workloads.filter((w) => (w.connectionsNeeded ?? []).length > 0);
  if (withNeeded.length > 0) {
    charts.push({
      file: 'w2-connections-needed.svg',
      svg: barChart({
        title: 'W2: connections needed for 95 % of the concurrency bound (lower is better)',
        subtitle: 'smallest pool max that served 95 % of the requests/s possible; hatched bars are estimates, not measurements',
        caption: CAPTIONS.needed,
        groups: withNeeded.map((w) => ({
          name: w.engine,
          bars: (w.connectionsNeeded ?? []).map((n) => neededBar(n)),
        })),
      }),
    });
  }
  for (const w of workloads) {
    // The measurement at max 10 is a point of every contender's curve too.
    const sweep = [...(w.sweep ?? [])];
    for (const c of w.contenders) {
      if (!sweep.some((p) => p.contender === c.id && p.max === w.max)) sweep.push({ contender: c.id, max: w.max, opsPerSec: c.opsPerSec, p99Ms: c.latencyMs.p99, peakInUse: c.peakInUse });
    }
    if (new Set(sweep.map((p) => p.max)).size < 2) continue;
    const ids = [...new Set(sweep.map((p) => p.contender))];
    charts.push({
      file: `w2-sweep-${w.engine}.svg`,
      svg: lineChart({
        title: `W2 on ${w.engine}: requests/s by pool max`,
        subtitle: 'a sweep stops at the first max that reaches 95 % of the bound, or when it stops improving',
        caption: CAPTIONS.sweep,
        xLabel: 'pool max (log scale)',
        yLabel: 'requests/s',
        logX: true,
        series: ids.map((id) => ({ name: w.contenders.find((c) => c.id === id)?.label ?? id, points: sweep.filter((p) => p.contender === id).map((p) => ({ x: p.max, y: p.opsPerSec })) })),
        references: w.bound === undefined ? [] : [{ y: w.bound.targetPerSec, label: `95 % of the bound (${formatRate(w.bound.targetPerSec)} req/s)` }],
      }),
    });
  }
  return charts;
}

/** Every chart the report has data for. */
export function reportCharts(report: BenchReport): ChartFile[] {
  return [
    throughputChart(report, 'w1', 'W1 hot path: one-row SELECTs per second (higher is better)', 'q/s'),
    ...w2Charts(report),
    throughputChart(report, 'w3', 'W3 transactions: SELECT … FOR UPDATE + UPDATE per second (higher is better)', 'tx/s'),
  ].filter((chart): chart is ChartFile => chart !== undefined);
}
