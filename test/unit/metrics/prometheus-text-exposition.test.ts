import { expect } from 'chai';
import { Histogram } from '../../../src/metrics/histogram.js';
import { DURATION_BUCKETS_SECONDS, METRICS } from '../../../src/metrics/metric-definitions.js';
import type { PoolStats } from '../../../src/metrics/pool-stats.js';
import { prometheusText, type PoolMetricsSource } from '../../../src/metrics/prometheus-text.js';
import { parsePrometheusText, samplesOf } from '../../support/prometheus-parser.js';

const EMPTY = { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };

function stats(overrides: Partial<PoolStats>): PoolStats {
  return {
    alias: 'default',
    engine: 'postgres',
    role: 'primary',
    size: 0,
    idle: 0,
    inUse: 0,
    waiting: 0,
    min: 0,
    max: 10,
    acquired: 0,
    released: 0,
    created: 0,
    destroyed: 0,
    timeouts: 0,
    rejected: 0,
    errors: 0,
    leaks: 0,
    waitMs: EMPTY,
    holdMs: EMPTY,
    createMs: EMPTY,
    ...overrides,
  };
}

function histogram(valuesMs: readonly number[]): Histogram {
  const h = new Histogram();
  for (const v of valuesMs) h.record(v);
  return h;
}

/** A pool with fixed numbers and histograms, standing in for an engine. */
function source(poolStats: PoolStats, waits: readonly number[], holds: readonly number[], creates: readonly number[]): PoolMetricsSource {
  const histograms = { waitMs: histogram(waits), holdMs: histogram(holds), createMs: histogram(creates) };
  return { stats: () => poolStats, histograms: () => histograms };
}

// Values chosen well inside the histogram's buckets, so the counts at each bound are exact.
const WAITS_MS = [0.3, 0.8, 4, 40, 700, 20_000];
const HOLDS_MS = [1.7, 1.8, 2.2, 90];
const CREATES_MS = [12, 30];

describe('metrics: Prometheus text exposition', () => {
  const pools = [
    source(stats({ alias: 'default', engine: 'postgres', size: 7, idle: 3, inUse: 4, waiting: 2, min: 1, max: 10, timeouts: 5 }), WAITS_MS, HOLDS_MS, CREATES_MS),
    source(stats({ alias: 'cache', engine: 'sqlite', size: 1, idle: 1, inUse: 0, waiting: 0, min: 0, max: 1, timeouts: 0 }), [], [], [0.2]),
  ];
  const text = prometheusText(pools);
  const families = parsePrometheusText(text);

  it('writes every defined family once, in definition order, with HELP and the declared TYPE', () => {
    expect([...families.keys()]).to.deep.equal(METRICS.map((m) => m.name));
    for (const metric of METRICS) {
      const family = families.get(metric.name)!;
      expect(family.type, metric.name).to.equal(metric.type);
      expect(family.help, metric.name).to.include(metric.otelName);
      expect(text.split(`# TYPE ${metric.name} `).length - 1, `one TYPE line for ${metric.name}`).to.equal(1);
    }
  });

  it('labels every series with pool and engine', () => {
    for (const family of families.values()) {
      for (const sample of family.samples) {
        expect(sample.labels['pool'], sample.name).to.be.oneOf(['default', 'cache']);
        expect(sample.labels['engine'], sample.name).to.equal(sample.labels['pool'] === 'default' ? 'postgres' : 'sqlite');
      }
    }
  });

  it("labels every series with role=\"primary\", and a replica pool's with role=\"replica\" and its server (escaped)", () => {
    for (const family of families.values()) for (const sample of family.samples) expect(sample.labels, sample.name).to.deep.include({ role: 'primary' }).and.not.have.property('replica');
    const replica = source(stats({ alias: 'default', role: 'replica', replica: '[::1]:5432"x', max: 4 }), [], [1], []);
    const withReplica = parsePrometheusText(prometheusText([pools[0]!, replica]));
    expect(samplesOf(withReplica, 'db_client_connection_max').map((sample) => [sample.labels, sample.value])).to.deep.equal([
      [{ pool: 'default', engine: 'postgres', role: 'primary' }, 10],
      [{ pool: 'default', engine: 'postgres', role: 'replica', replica: '[::1]:5432"x' }, 4],
    ]);
    expect(samplesOf(withReplica, 'db_client_connection_count', { role: 'replica' }).map((sample) => sample.labels['state'])).to.deep.equal(['idle', 'used']);
    expect(samplesOf(withReplica, 'db_client_connection_use_time_seconds', { role: 'replica' }).find((sample) => sample.name.endsWith('_count'))?.value).to.equal(1);
  });

  it('writes the gauges and the timeout counter from stats()', () => {
    const value = (family: string, labels: Record<string, string>): number[] => samplesOf(families, family, labels).map((s) => s.value);
    expect(value('db_client_connection_count', { pool: 'default', state: 'idle' })).to.deep.equal([3]);
    expect(value('db_client_connection_count', { pool: 'default', state: 'used' })).to.deep.equal([4]);
    expect(value('db_client_connection_count', { pool: 'cache', state: 'idle' })).to.deep.equal([1]);
    expect(value('db_client_connection_count', { pool: 'cache', state: 'used' })).to.deep.equal([0]);
    expect(value('db_client_connection_max', { pool: 'default' })).to.deep.equal([10]);
    expect(value('db_client_connection_idle_min', { pool: 'default' })).to.deep.equal([1]);
    expect(value('db_client_connection_pending_requests', { pool: 'default' })).to.deep.equal([2]);
    expect(value('db_client_connection_timeouts_total', { pool: 'default' })).to.deep.equal([5]);
    expect(value('db_client_connection_timeouts_total', { pool: 'cache' })).to.deep.equal([0]);
  });

  it('writes histograms in seconds: cumulative buckets at the defined bounds, +Inf equal to _count, _sum in seconds', () => {
    const cases = [
      ['db_client_connection_wait_time_seconds', WAITS_MS],
      ['db_client_connection_use_time_seconds', HOLDS_MS],
      ['db_client_connection_create_time_seconds', CREATES_MS],
    ] as const;
    for (const [family, valuesMs] of cases) {
      const buckets = samplesOf(families, family, { pool: 'default' }).filter((s) => s.name === `${family}_bucket`);
      expect(buckets.map((b) => b.labels['le']), family).to.deep.equal([...DURATION_BUCKETS_SECONDS.map(String), '+Inf']);
      const expected = [...DURATION_BUCKETS_SECONDS.map((le) => valuesMs.filter((v) => v / 1000 <= le).length), valuesMs.length];
      expect(buckets.map((b) => b.value), family).to.deep.equal(expected);
      const [count] = samplesOf(families, family, { pool: 'default' }).filter((s) => s.name === `${family}_count`);
      const [sum] = samplesOf(families, family, { pool: 'default' }).filter((s) => s.name === `${family}_sum`);
      expect(count?.value).to.equal(valuesMs.length);
      expect(sum?.value).to.be.closeTo(valuesMs.reduce((a, b) => a + b, 0) / 1000, 1e-9);
    }
  });

  it('writes an empty histogram as zero buckets, zero sum and zero count', () => {
    const series = samplesOf(families, 'db_client_connection_wait_time_seconds', { pool: 'cache' });
    expect(series).to.have.length(DURATION_BUCKETS_SECONDS.length + 3);
    expect(series.every((s) => s.value === 0)).to.equal(true);
  });

  it('escapes backslash, double quote and line feed in label values', () => {
    const alias = 'we"ird\\pool\nname';
    const parsed = parsePrometheusText(prometheusText([source(stats({ alias }), [1], [1], [1])]));
    const [sample] = samplesOf(parsed, 'db_client_connection_max');
    expect(sample?.labels['pool']).to.equal(alias);
  });

  it('still writes the gauges of a pool that exposes no histograms', () => {
    const parsed = parsePrometheusText(prometheusText([{ stats: () => stats({ alias: 'bare', idle: 2 }) }]));
    expect(samplesOf(parsed, 'db_client_connection_count', { state: 'idle' }).map((s) => s.value)).to.deep.equal([2]);
    expect(samplesOf(parsed, 'db_client_connection_use_time_seconds')).to.deep.equal([]);
  });
});

describe('test support: the exposition parser rejects malformed text', () => {
  const bad: Record<string, string> = {
    'a second TYPE for a family': '# TYPE a gauge\n# TYPE a gauge\na 1\n',
    'a family split in two': '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n',
    'a sample before its TYPE': 'a 1\n',
    'an unquoted label value': '# TYPE a gauge\na{pool=x} 1\n',
    'an unknown escape': '# TYPE a gauge\na{pool="\\x"} 1\n',
    'a missing final line feed': '# TYPE a gauge\na 1',
    'a bad value': '# TYPE a gauge\na 1,5\n',
  };
  for (const [what, text] of Object.entries(bad)) {
    it(what, () => {
      expect(() => parsePrometheusText(text)).to.throw();
    });
  }
});
