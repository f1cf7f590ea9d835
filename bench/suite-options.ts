import { parseArgs } from 'node:util';
import type { BenchEngine } from '../src/cli/bench/workload-sql.js';

/** Which workloads, engines and durations one `npm run bench` does. */
export interface SuiteOptions {
  readonly mode: 'full' | 'quick' | 'smoke';
  readonly workloads: ReadonlySet<'w1' | 'w2' | 'w3'>;
  readonly engines: ReadonlySet<BenchEngine>;
  /** Where latest.json, latest.md and the charts go. */
  readonly outDir: string;
  readonly rounds: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  /** W2's measurement at max 10. */
  readonly w2Rounds: number;
  readonly w2DurationMs: number;
  /** Each point of W2's sweep over `max`. */
  readonly sweepDurationMs: number;
  readonly sweepMaxes: readonly number[] | undefined;
  /** Internal: run as a child for one engine and write its results to this file (see engine-process.ts). */
  readonly partialFile: string | undefined;
  /** Sweep the contenders that hold a connection per request too (PostgreSQL only; slow: at max 1 their queue takes 10 s to drain). */
  readonly sweepHolders: boolean;
}

/** Durations per mode: full ≈ 8–9 minutes, quick ≈ 1½ minutes, smoke well under a minute (CI: checks output only). More, shorter rounds make the median ratio steadier against bursts of other load. */
const MODES = {
  full: { rounds: 5, durationMs: 2000, warmupMs: 500, w2Rounds: 2, w2DurationMs: 4000, sweepDurationMs: 2500, sweepMaxes: undefined, sweepHolders: true },
  quick: { rounds: 2, durationMs: 1000, warmupMs: 200, w2Rounds: 1, w2DurationMs: 1500, sweepDurationMs: 1000, sweepMaxes: [1, 2, 3, 5, 10], sweepHolders: false },
  smoke: { rounds: 1, durationMs: 200, warmupMs: 50, w2Rounds: 1, w2DurationMs: 300, sweepDurationMs: 300, sweepMaxes: [1, 10], sweepHolders: false },
} as const;

const ALL_WORKLOADS = ['w1', 'w2', 'w3'] as const;
const ALL_ENGINES = ['postgres', 'mysql', 'sqlite'] as const;

/** The usage text of bench/run.ts. */
export const USAGE = `Usage: tsx bench/run.ts [--quick | --smoke] [--only w1,w2,w3] [--engines postgres,mysql,sqlite] [--out DIR]

  (default)   the full run, about 8–9 minutes; results in bench/results/
  --quick     about a minute and a half, shorter measurements; results in bench/results/
  --smoke     a few seconds per workload, checks only that well-formed results come out;
              results in a temporary directory unless --out is given
  --only      some workloads                     --engines   some engines
  --out DIR   where latest.json, latest.md and the SVG charts are written

Servers: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test) and BENCH_MYSQL_URL
(default mysql://root@127.0.0.1:3306/test; the benchmark creates and drops the database
unipool_bench there). An engine whose server is unreachable is skipped with a note.`;

function list<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): Set<T> {
  if (value === undefined) return new Set(allowed);
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = items.filter((s) => !(allowed as readonly string[]).includes(s));
  if (unknown.length > 0 || items.length === 0) throw new Error(`${flag}: expected a comma-separated list of ${allowed.join(', ')}, got "${value}"`);
  return new Set(items as T[]);
}

/** Parses bench/run.ts's arguments; throws with a message for a mistake. */
export function parseSuiteOptions(argv: readonly string[], defaultOutDir: string, smokeOutDir: () => string): SuiteOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: { quick: { type: 'boolean' }, smoke: { type: 'boolean' }, only: { type: 'string' }, engines: { type: 'string' }, out: { type: 'string' }, partial: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help === true) return 'help';
  if (values.quick === true && values.smoke === true) throw new Error('--quick and --smoke: choose one');
  const mode = values.smoke === true ? 'smoke' : values.quick === true ? 'quick' : 'full';
  return {
    mode,
    workloads: list(values.only, ALL_WORKLOADS, '--only'),
    engines: list(values.engines, ALL_ENGINES, '--engines'),
    outDir: values.out ?? (mode === 'smoke' && values.partial === undefined ? smokeOutDir() : defaultOutDir),
    partialFile: values.partial,
    ...MODES[mode],
  };
}
