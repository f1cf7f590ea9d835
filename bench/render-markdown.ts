import type { BenchReport, WorkloadResult } from '../src/cli/bench/bench-result.js';
import { formatRate, formatRatio } from '../src/cli/bench/format-number.js';
import { renderReportMarkdownTables } from '../src/cli/bench/render-report-text.js';
import { neededText } from '../src/cli/bench/report-tables.js';

function contender(w: WorkloadResult | undefined, id: string): { ratio: number | null; opsPerSec: number; cpuUsPerOp: number } | undefined {
  return w?.contenders.find((c) => c.id === id);
}

/** ` (client CPU 52 vs 48 µs per operation)`: the steadier view of the same cost. */
function cpu(w: WorkloadResult): string {
  const ours = contender(w, 'unipool-asap');
  const raw = contender(w, w.baseline);
  return ours === undefined || raw === undefined ? '' : ` (client CPU ${ours.cpuUsPerOp.toFixed(0)} vs ${raw.cpuUsPerOp.toFixed(0)} µs per operation)`;
}

function ratioOf(w: WorkloadResult | undefined, id: string, over: string): number | null {
  const a = contender(w, id);
  const b = contender(w, over);
  return a === undefined || b === undefined || b.opsPerSec === 0 ? null : a.opsPerSec / b.opsPerSec;
}

/** The headline figures: the ones the project's claims stand on, one line each. Ratios are medians of per-round ratios. */
export function headline(report: BenchReport): string[] {
  const lines: string[] = [];
  const find = (workload: string, engine: string): WorkloadResult | undefined => report.workloads.find((w) => w.workload === workload && w.engine === engine);
  for (const engine of ['postgres', 'mysql', 'sqlite']) {
    const w1 = find('w1', engine);
    if (w1 === undefined) continue;
    const parts = [`unipool/raw **${formatRatio(contender(w1, 'unipool-asap')?.ratio ?? null)}**${cpu(w1)}`];
    const knex = ratioOf(w1, 'unipool-asap', 'knex');
    if (knex !== null) parts.push(`unipool/knex ${formatRatio(knex)}`);
    const bouncer = ratioOf(w1, 'unipool-asap', 'pgbouncer');
    if (bouncer !== null) parts.push(`unipool/PgBouncer ${formatRatio(bouncer)}`);
    lines.push(`- W1 ${engine}: ${parts.join(', ')}.`);
  }
  for (const w2 of report.workloads.filter((w) => w.workload === 'w2')) {
    const asap = w2.connectionsNeeded?.find((n) => n.contender === 'unipool-asap');
    const request = w2.connectionsNeeded?.find((n) => n.contender === 'unipool-request');
    lines.push(
      `- W2 ${w2.engine}: asap serves **${formatRatio(contender(w2, 'unipool-asap')?.ratio ?? null)}** the requests/s of request at max ${w2.max}` +
        ` (${formatRate(contender(w2, 'unipool-asap')?.opsPerSec ?? 0)} vs ${formatRate(contender(w2, 'unipool-request')?.opsPerSec ?? 0)})` +
        (asap === undefined ? '' : `; connections for 95 % of the bound: asap ${neededText(asap)}, request ${neededText(request)}`) +
        '.',
    );
  }
  for (const engine of ['postgres', 'mysql', 'sqlite']) {
    const w3 = find('w3', engine);
    if (w3 === undefined) continue;
    const knex = ratioOf(w3, 'unipool-asap', 'knex');
    lines.push(`- W3 ${engine}: unipool atomic()/raw **${formatRatio(contender(w3, 'unipool-asap')?.ratio ?? null)}**${cpu(w3)}${knex === null ? '' : `, unipool/knex ${formatRatio(knex)}`}.`);
  }
  return lines;
}

/** `bench/results/latest.md`: headline, tables per workload, machine and versions. */
export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const packages = Object.entries(report.packages).map(([name, version]) => `${name} ${version}`).join(', ');
  const servers = Object.entries(report.servers).map(([engine, version]) => `${engine}: ${version}`).join('; ');
  return `# Benchmark results

Measured ${report.date.slice(0, 16).replace('T', ' ')} UTC (\`npm run bench\`${report.mode === 'full' ? '' : ` — ${report.mode} mode`}) on ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}/${m.arch}; load average ${m.loadAverage} at the start.
Versions: ${packages}. Servers: ${servers || 'none'}.
How the workloads run and how to read the columns: [benchmark method](./contributing/benchmark-method.md).

### Headline

${headline(report).join('\n')}

### Tables

${renderReportMarkdownTables(report)}
${report.notes.length === 0 ? '' : `\n### Notes\n\n${report.notes.map((n) => `- ${n}`).join('\n')}\n`}`;
}
