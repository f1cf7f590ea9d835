import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { CliContext } from '../cli-command.js';
import { DEFAULT_OUT, DEFAULT_SECONDS } from '../commands/bench-command.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { UsageError } from '../usage-error.js';
import { createProgress, silentProgress } from './bench-progress.js';
import { temporarySqliteTarget, urlTarget } from './bench-target.js';
import { runCliBench } from './cli-bench.js';
import { reportCharts } from './report-charts.js';
import { renderReportText } from './render-report-text.js';

/** `unipool bench`: parses the options, runs the workloads, writes results.json and the charts. */
export async function runBenchCommand(args: readonly string[], { io, cwd }: CliContext): Promise<number> {
  const { values } = parseCommandArgs(args, { url: { type: 'string' }, out: { type: 'string' }, seconds: { type: 'string' }, json: { type: 'boolean' } }, 0);
  const seconds = values['seconds'] === undefined ? DEFAULT_SECONDS : Number(values['seconds']);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
    throw new UsageError(`--seconds: expected a number of seconds between 0 and 600, got "${String(values['seconds'])}"`, { showUsage: true });
  }
  const url = values['url'];
  const target = typeof url === 'string' ? urlTarget(url) : temporarySqliteTarget();
  const outDir = resolve(cwd, typeof values['out'] === 'string' ? values['out'] : DEFAULT_OUT);
  const json = values['json'] === true;
  const isTty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  const progress = json && !isTty ? silentProgress : createProgress(io.stderr, isTty);
  progress.note(`unipool bench on ${target.description}`);
  let report;
  try {
    report = await runCliBench({ target, durationMs: seconds * 1000, progress, cwd });
  } finally {
    target.dispose();
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  const charts = reportCharts(report);
  for (const chart of charts) writeFileSync(join(outDir, chart.file), chart.svg);
  io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `\n${renderReportText(report)}`);
  const shown = relative(cwd, outDir) || '.';
  progress.note(`Wrote ${join(shown, 'results.json')} and ${charts.length} chart${charts.length === 1 ? '' : 's'} (${charts.map((c) => c.file).join(', ')}) to ${shown}/`);
  const failed = report.workloads.some((w) => w.contenders.some((c) => c.ops === 0));
  return failed ? 1 : 0;
}
