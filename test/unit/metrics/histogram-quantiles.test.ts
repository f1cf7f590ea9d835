import { expect } from 'chai';
import { Histogram } from '../../../src/metrics/histogram.js';
import { seededRandom } from '../pool/pool-harness.js';

function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

function checkAgainstExact(values: number[], tolerance: number): void {
  const histogram = new Histogram();
  for (const value of values) histogram.record(value);
  const sorted = [...values].sort((a, b) => a - b);
  for (const q of [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999]) {
    const exact = exactQuantile(sorted, q);
    const estimate = histogram.quantile(q);
    // Relative error bound, or half a microsecond (the resolution) for the tiniest values.
    expect(Math.abs(estimate - exact), `q=${q}: exact ${exact}, estimated ${estimate}`).to.be.at.most(Math.max(tolerance * exact, 0.0005));
  }
  expect(histogram.max).to.equal(sorted.at(-1));
  expect(histogram.count).to.equal(values.length);
}

describe('histogram: bounded-memory quantiles', () => {
  const random = seededRandom(2024);

  it('is within 2 % on a uniform distribution from 1 ms to 10 s', () => {
    checkAgainstExact(Array.from({ length: 50_000 }, () => 1 + random() * 9999), 0.02);
  });

  it('is within 2 % on an exponential distribution (mean 5 ms)', () => {
    checkAgainstExact(Array.from({ length: 50_000 }, () => 0.05 - 5 * Math.log(1 - random())), 0.02);
  });

  it('is within 2 % on a log-normal spread over six orders of magnitude', () => {
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    checkAgainstExact(Array.from({ length: 50_000 }, () => Math.exp(normal() * 2.5)), 0.02);
  });

  it('is exact for a single value and for max', () => {
    const histogram = new Histogram();
    histogram.record(123.456);
    expect(histogram.summary()).to.deep.equal({ count: 1, p50: 123.456, p95: 123.456, p99: 123.456, max: 123.456 });
  });

  it('summarises an empty histogram as zeros', () => {
    expect(new Histogram().summary()).to.deep.equal({ count: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });

  it('takes values beyond its range, negative and non-finite values without failing', () => {
    const histogram = new Histogram();
    histogram.record(-5);
    histogram.record(Number.NaN);
    histogram.record(3 * 24 * 3600 * 1000);
    expect(histogram.count).to.equal(3);
    expect(histogram.max).to.equal(3 * 24 * 3600 * 1000);
    expect(histogram.quantile(0.5)).to.be.closeTo(0, 0.0005);
    expect(histogram.quantile(1)).to.equal(3 * 24 * 3600 * 1000);
  });

  it('counts values at or below a bound for Prometheus buckets', () => {
    const histogram = new Histogram();
    for (let ms = 1; ms <= 1000; ms++) histogram.record(ms);
    expect(histogram.countAtMost(0)).to.equal(0);
    expect(histogram.countAtMost(100)).to.be.within(100, 103);
    expect(histogram.countAtMost(500)).to.be.within(500, 515);
    expect(histogram.countAtMost(1000)).to.equal(1000);
    expect(histogram.sum).to.equal(500_500);
  });

  it('forgets everything on reset', () => {
    const histogram = new Histogram();
    histogram.record(5);
    histogram.reset();
    expect(histogram.summary()).to.deep.equal({ count: 0, p50: 0, p95: 0, p99: 0, max: 0 });
    expect(histogram.sum).to.equal(0);
  });
});
