import { expect } from 'chai';
import { FakeFactory } from '../../support/fake-factory.js';
import { installClock, makeEngine, type Clock } from './pool-harness.js';

describe('pool engine: stats()', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('starts at zero with the configured limits', () => {
    const { engine } = makeEngine({ min: 0, max: 7 });
    expect(engine.stats()).to.deep.equal({
      alias: 'main',
      engine: 'postgres',
      role: 'primary',
      size: 0,
      idle: 0,
      inUse: 0,
      waiting: 0,
      min: 0,
      max: 7,
      acquired: 0,
      released: 0,
      created: 0,
      destroyed: 0,
      timeouts: 0,
      rejected: 0,
      errors: 0,
      leaks: 0,
      waitMs: { count: 0, p50: 0, p95: 0, p99: 0, max: 0 },
      holdMs: { count: 0, p50: 0, p95: 0, p99: 0, max: 0 },
      createMs: { count: 0, p50: 0, p95: 0, p99: 0, max: 0 },
    });
  });

  it("names a read replica's pool by role and server", () => {
    const { engine } = makeEngine({}, { role: 'replica', replica: 'standby:5432' });
    expect(engine.stats()).to.include({ alias: 'main', role: 'replica', replica: 'standby:5432' });
  });

  it('counts connections by state and summarises wait, hold and create times', async () => {
    const factory = new FakeFactory();
    factory.createDelayMs = 20;
    const { engine } = makeEngine({ max: 2 }, { factory });
    const [a, b] = await Promise.all([engine.acquire(), engine.acquire(), clock.tickAsync(20)]);
    const third = engine.acquire();
    expect(engine.stats()).to.include({ size: 2, idle: 0, inUse: 2, waiting: 1, created: 2 });
    await clock.tickAsync(100);
    engine.release(a!); // held 100 ms; the waiter gets it after waiting 100 ms
    const c = await third;
    await clock.tickAsync(10);
    engine.release(b!); // held 110 ms
    engine.release(c); // held 10 ms
    const stats = engine.stats();
    expect(stats).to.include({ size: 2, idle: 2, inUse: 0, waiting: 0, acquired: 3, released: 3 });
    expect(stats.createMs).to.deep.equal({ count: 2, p50: 20, p95: 20, p99: 20, max: 20 });
    expect(stats.waitMs.count).to.equal(3);
    expect(stats.waitMs.max).to.equal(100);
    expect(stats.holdMs.count).to.equal(3);
    expect(stats.holdMs.max).to.equal(110);
    expect(stats.holdMs.p50).to.be.closeTo(100, 100 * 0.02);
  });

  it('exposes the live histograms for exporters', async () => {
    const { engine } = makeEngine();
    const conn = await engine.acquire();
    await clock.tickAsync(3);
    engine.release(conn);
    const histograms = engine.histograms?.();
    expect(histograms?.holdMs.count).to.equal(1);
    expect(histograms?.holdMs.sum).to.equal(3);
    expect(histograms?.waitMs.countAtMost(1)).to.equal(1);
  });
});
