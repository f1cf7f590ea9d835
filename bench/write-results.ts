import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchReport } from '../src/cli/bench/bench-result.js';
import { reportCharts } from '../src/cli/bench/report-charts.js';
import { renderMarkdown } from './render-markdown.js';

/**
 * Writes `latest.json`, `latest.md` and the charts to `dir` (the names scripts/docs/
 * render-benchmarks.ts picks up). Charts of an earlier run that this run did not produce are
 * removed, so the docs never show a stale chart next to fresh tables.
 */
export function writeResults(dir: string, report: BenchReport): string[] {
  mkdirSync(dir, { recursive: true });
  const charts = reportCharts(report);
  const keep = new Set(charts.map((c) => c.file));
  for (const file of readdirSync(dir)) if (file.endsWith('.svg') && !keep.has(file)) rmSync(join(dir, file));
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'latest.md'), renderMarkdown(report));
  for (const chart of charts) writeFileSync(join(dir, chart.file), chart.svg);
  return ['latest.json', 'latest.md', ...charts.map((c) => c.file)];
}
