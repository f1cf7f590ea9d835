import type { CliCommand } from '../cli-command.js';

/** Defaults shared with the implementation in ../bench/run-bench-command.ts. */
export const DEFAULT_SECONDS = 3;
export const DEFAULT_OUT = 'unipool-bench';

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

  run(args, context) {
    // Loaded only when the command runs: the benchmark (workloads, contenders, charts) is most of
    // the CLI's code, and `unipool --help`, `check` and `doctor` must not pay for it.
    return import('../bench/run-bench-command.js').then(({ runBenchCommand }) => runBenchCommand(args, context));
  },
};
