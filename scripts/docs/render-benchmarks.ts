import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedHeader, page, text } from './markdown.js';

/** A file the generator writes: a path relative to the repository root, and its content. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string | Buffer;
}

/** Where `unipool bench` / the benchmark suite commits its results. */
export const BENCH_RESULTS_DIR = 'bench/results';
/** Where the charts are copied so VitePress serves them at `/bench/<name>.svg`. */
export const BENCH_PUBLIC_DIR = 'docs/public/bench';

const INTRO =
  'unipool is built on one claim: releasing a connection as soon as the statement ends lets a small pool serve far more concurrent work than holding it for the whole request. ' +
  'These benchmarks test that claim and the cost of the bookkeeping. Every contender runs on the same machine in the same run, and what matters is the **ratios, not the absolute times** — those depend on the machine. Pools have `max: 10` unless stated.';

const WORKLOADS = [
  '- **W1 hot path** — 64 concurrent loops of a one-row `SELECT`. unipool against the raw driver pool (`pg.Pool`, the `mysql2` pool), knex, and PgBouncer in transaction mode. Measures the overhead of unipool\'s bookkeeping.',
  '- **W2 external call** — the motivating case. 200 concurrent requests, each a query, a 50 ms `await` (an outside HTTP call), and another query. unipool with `release: \'asap\'`, unipool with `release: \'request\'`, and a raw `pg.Pool` with a client checked out for the whole request. Reports requests/s, p50/p99, peak connections in use, and the smallest `max` at which each reaches 95 % of the concurrency bound (200 requests / 52 ms).',
  '- **W3 transactions** — 64 loops of `atomic { SELECT … FOR UPDATE; UPDATE }` against raw `BEGIN`/`COMMIT` and knex transactions.',
].join('\n');

function unescapeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/** A chart with its title as the alt text and its `<desc>` (written by the renderer) as the caption below it. */
function chartFigure(file: string, svg: string): string {
  const title = /<title>([^<]*)<\/title>/.exec(svg)?.[1];
  const caption = /<desc>([^<]*)<\/desc>/.exec(svg)?.[1];
  const alt = title === undefined ? file.replace(/\.svg$/, '').replace(/[-_]/g, ' ') : unescapeXml(title);
  const image = `![${alt.replace(/[[\]]/g, '')}](/bench/${file})`;
  return caption === undefined ? image : `${image}\n\n${text(`*${unescapeXml(caption)}*`)}`;
}

/** Drop a leading `# Title` so the page keeps a single h1. */
function withoutTitle(markdown: string): string {
  return markdown.replace(/^\s*# [^\n]*\n+/, '').trim();
}

/**
 * `docs/benchmarks.md`, plus a copy of every chart in `bench/results/*.svg` under
 * `docs/public/bench/`. When nothing is committed yet, the page says so plainly.
 */
export function renderBenchmarks(root: string): GeneratedFile[] {
  const dir = join(root, BENCH_RESULTS_DIR);
  const latestPath = join(dir, 'latest.md');
  const latest = existsSync(latestPath) ? readFileSync(latestPath, 'utf8') : undefined;
  const svgs = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.svg')).sort() : [];

  const charts = svgs.map((file) => chartFigure(file, readFileSync(join(dir, file), 'utf8')));
  const results =
    latest === undefined && svgs.length === 0
      ? '::: info No results committed yet\nNo benchmark results are committed to the repository yet (`bench/results/latest.md` does not exist), so there is nothing to show here. Run `unipool bench` to measure on your own machine.\n:::'
      : page([
          latest === undefined ? '_`bench/results/latest.md` is missing; only the charts are available._' : withoutTitle(latest),
          charts.length > 0 && '## Charts',
          ...charts,
        ]).trimEnd();

  const markdown = page([
    '---\ntitle: Benchmarks\n---',
    generatedHeader('bench/results/latest.md and bench/results/*.svg'),
    '# Benchmarks',
    INTRO,
    '## Workloads',
    WORKLOADS,
    '## Results',
    results,
    '## Run them yourself',
    '```sh\n# on an embedded SQLite database: no server needed\nnpx unipool bench\n\n# against your own server\nnpx unipool bench --url postgres://localhost/test\n```',
    'The command shows progress, prints a table, and writes an SVG chart next to it. See the [CLI reference](./reference/cli.md#unipool-bench); how the suite measures is described for contributors in [How the benchmarks work](./contributing/benchmark-method.md).',
  ]);

  return [
    { path: 'docs/benchmarks.md', content: markdown },
    ...svgs.map((file) => ({ path: `${BENCH_PUBLIC_DIR}/${file}`, content: readFileSync(join(dir, file)) })),
  ];
}
