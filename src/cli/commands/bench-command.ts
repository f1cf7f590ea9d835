import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { CliCommand } from '../cli-command.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { UsageError } from '../usage-error.js';
import { createProgress, silentProgress } from '../bench/bench-progress.js';
import { temporarySqliteTarget, urlTarget } from '../bench/bench-target.js';
import { runCliBench } from '../bench/cli-bench.js';
import { reportCharts } from '../bench/report-charts.js';
import { renderReportText } from '../bench/render-report-text.js';

const DEFAULT_SECONDS = 3;
const DEFAULT_OUT = 'unipool-bench';

/** `unipool bench [--url URL] [--out DIR] [--seconds N] [--json]`: the hot-path (W1) and external-call (W2) workloads on one database. */
export const benchCommand: CliCommand = {
  name: 'bench',
  synopsis: '[--url URL]',
  summary: 'Measure unipool against the raw driver, and release asap against request',
  help: `Runs two workloads on one database and prints a table:
  W1 hot path      64 concurrent loops of a one-row SELECT: unipool against the driver's own pool
                   (pg.Pool, the mysql2 pool, one better-sqlite3 connection). Pool max 10.
  W2 external call 200 concurrent requests, each a query, a 50 ms await, a query: unipool with
                   release "asap" against release "request" (and a pg/mysql2 client checked out per
                   request), then the smallest max at which "asap" reaches 95 % of the concurrency
                   bound.
Progress goes to stderr, the table to stdout; results.json and SVG charts go to --out.
With the default duration it takes about 30 seconds.

Options:
  --url URL       postgres://…, mysql://… (or mariadb://…) or sqlite:<file>.
                  Default: a temporary SQLite file, removed afterwards (no server needed).
  --out DIR       Where results.json and the charts are written. Default: ./${DEFAULT_OUT}
  --seconds N     Measured time per contender and phase. Default: ${DEFAULT_SECONDS}
  --json          Print the results as JSON on stdout instead of the table
  -h, --help

Against a server, use a database nothing else is using at the time: the server's connection
counts (PostgreSQL by application_name, MySQL by database) and the timings include everyone's work.

Exit codes: 0 done; 1 a workload failed; 2 usage error.`,

  async run(args, { io, cwd }) {
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
  },
};
