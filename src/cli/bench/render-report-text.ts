import type { BenchReport } from './bench-result.js';
import { boundSentence, neededSentence, workloadHeading, workloadTable } from './report-tables.js';
import { renderMarkdownTable, renderTextTable } from './render-table.js';

/** The report for a terminal: a heading and an aligned table per workload. */
export function renderReportText(report: BenchReport): string {
  const sections = report.workloads.map((w) => {
    const lines = [workloadHeading(w), renderTextTable(workloadTable(w))];
    const bound = boundSentence(w);
    if (bound !== undefined) lines.push(bound);
    for (const n of w.connectionsNeeded ?? []) lines.push(neededSentence(n, w.bound));
    for (const s of w.skipped) lines.push(`Skipped ${s.id}: ${s.reason}`);
    return lines.join('\n');
  });
  const m = report.machine;
  const footer = `${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, load ${m.loadAverage} at the start. Compare ratios, not absolute numbers.`;
  return `${[...sections, ...report.notes, footer].join('\n\n')}\n`;
}

/** The same tables in Markdown. */
export function renderReportMarkdownTables(report: BenchReport): string {
  return [RATIO_NOTE, ...report.workloads
    .map((w) => {
      const lines = [`#### ${workloadHeading(w)}`, '', renderMarkdownTable(workloadTable(w))];
      const bound = boundSentence(w);
      if (bound !== undefined) lines.push('', bound);
      const needed = (w.connectionsNeeded ?? []).map((n) => `- ${neededSentence(n, w.bound)}`);
      if (needed.length > 0) lines.push('', ...needed);
      for (const s of w.skipped) lines.push('', `Skipped ${s.id}: ${s.reason}`);
      return lines.join('\n');
    })]
    .join('\n\n');
}

/** Why the ratio column need not equal the quotient of the two throughputs beside it. */
export const RATIO_NOTE =
  'How to read the ratio column ("vs … (median of rounds)"): every round runs each contender once, back to back, and the column is the **median of the per-round ratios**. ' +
  'The throughput beside it is the total over all rounds. On a noisy machine one slow round moves the total but hardly the median, so dividing two throughputs can give a slightly different figure than the column; the median is the one to compare.';
