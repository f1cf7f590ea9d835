import type { PoolHistograms } from '../pool/pool-engine.js';
import type { DurationHistogram } from './histogram.js';
import { METRICS, type MetricDefinition } from './metric-definitions.js';
import type { PoolStats } from './pool-stats.js';

/** What `prometheusText()` reads from one pool: its stats and, for the histograms, its live buckets. */
export interface PoolMetricsSource {
  stats(): PoolStats;
  /** Absent (a test double): the pool's histogram series are left out, its gauges still written. */
  histograms?(): PoolHistograms;
}

/** One pool read once: every family is written from the same numbers. */
interface PoolSample {
  readonly labels: string;
  readonly stats: PoolStats;
  readonly histograms: PoolHistograms | undefined;
}

type GaugeValue = (stats: PoolStats) => number;

/** Value of each gauge/counter family; `db_client_connection_count` has two series and is written apart. */
const SCALARS: Readonly<Record<string, GaugeValue>> = {
  db_client_connection_max: (s) => s.max,
  db_client_connection_idle_min: (s) => s.min,
  db_client_connection_pending_requests: (s) => s.waiting,
  db_client_connection_timeouts_total: (s) => s.timeouts,
};

const HISTOGRAMS: Readonly<Record<string, keyof PoolHistograms>> = {
  db_client_connection_wait_time_seconds: 'waitMs',
  db_client_connection_use_time_seconds: 'holdMs',
  db_client_connection_create_time_seconds: 'createMs',
};

/**
 * The Prometheus text exposition (format 0.0.4) of every pool, with the metric families of
 * `METRICS` in order: `# HELP` and `# TYPE` once per family, then one series per pool labelled
 * `pool="<alias>",engine="<engine>",role="primary"` (a read replica's pool: `role="replica",replica="<host:port>"`). Durations are in seconds; histogram buckets are cumulative
 * and end with `le="+Inf"`, equal to `_count`.
 *
 * @example
 * const text = prometheusText([engine]); // engine: a PoolEngine, or anything with stats()/histograms()
 */
export function prometheusText(pools: readonly PoolMetricsSource[]): string {
  const samples: PoolSample[] = pools.map((pool) => {
    const stats = pool.stats();
    const replica = stats.replica === undefined ? '' : `,replica="${escapeLabelValue(stats.replica)}"`;
    const labels = `pool="${escapeLabelValue(stats.alias)}",engine="${escapeLabelValue(stats.engine)}",role="${stats.role}"${replica}`;
    return { labels, stats, histograms: pool.histograms?.() };
  });
  const lines: string[] = [];
  for (const metric of METRICS) {
    lines.push(`# HELP ${metric.name} ${escapeHelp(helpText(metric))}`, `# TYPE ${metric.name} ${metric.type}`);
    for (const sample of samples) writeFamily(lines, metric, sample);
  }
  return `${lines.join('\n')}\n`;
}

function writeFamily(lines: string[], metric: MetricDefinition, sample: PoolSample): void {
  const { name } = metric;
  if (name === 'db_client_connection_count') {
    lines.push(`${name}{${sample.labels},state="idle"} ${formatNumber(sample.stats.idle)}`);
    lines.push(`${name}{${sample.labels},state="used"} ${formatNumber(sample.stats.inUse)}`);
    return;
  }
  const scalar = SCALARS[name];
  if (scalar !== undefined) {
    lines.push(`${name}{${sample.labels}} ${formatNumber(scalar(sample.stats))}`);
    return;
  }
  const key = HISTOGRAMS[name];
  if (key !== undefined) {
    const histogram = sample.histograms?.[key];
    if (histogram !== undefined) writeHistogram(lines, name, sample.labels, histogram, metric.buckets ?? []);
    return;
  }
  // A family added to METRICS without a value here is a bug; failing loudly keeps the docs honest.
  throw new Error(`unipool: metric "${name}" is defined in metric-definitions.ts but prometheus-text.ts has no value for it`);
}

function writeHistogram(lines: string[], name: string, labels: string, histogram: DurationHistogram, bucketsSeconds: readonly number[]): void {
  // `_count` and the +Inf bucket are the same number by construction, read once.
  const count = histogram.count;
  let previous = 0;
  for (const le of bucketsSeconds) {
    // Clamped so the series stays cumulative even though countAtMost() is approximate.
    const atMost = Math.min(count, Math.max(previous, histogram.countAtMost(le * 1000)));
    previous = atMost;
    lines.push(`${name}_bucket{${labels},le="${formatNumber(le)}"} ${formatNumber(atMost)}`);
  }
  lines.push(`${name}_bucket{${labels},le="+Inf"} ${formatNumber(count)}`);
  lines.push(`${name}_sum{${labels}} ${formatNumber(histogram.sum / 1000)}`);
  lines.push(`${name}_count{${labels}} ${formatNumber(count)}`);
}

/** `# HELP` text: the description without Markdown code marks, plus the OpenTelemetry name and unit. */
function helpText(metric: MetricDefinition): string {
  return `${metric.description.replaceAll('`', '')} (OpenTelemetry ${metric.otelName}, unit ${metric.unit})`;
}

/** Label values escape backslash, double quote and line feed (exposition format 0.0.4). */
export function escapeLabelValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

/** `# HELP` text escapes backslash and line feed only. */
function escapeHelp(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

/** Go's ParseFloat accepts JavaScript's number syntax; only the non-finite values are spelled differently. */
function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
