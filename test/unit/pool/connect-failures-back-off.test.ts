import { expect } from 'chai';
import { BACKOFF_MAX_MS, backoffDelayMs } from '../../../src/pool/backoff.js';
import { installClock, makeEngine, rejectionOf, watch, type Clock } from './pool-harness.js';

describe('pool engine: failing connects back off', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('doubles the delay from 50 ms to a 5 s cap, each up to 25 % shorter', () => {
    const nominal = [50, 100, 200, 400, 800, 1600, 3200, 5000, 5000];
    expect(nominal.map((_, index) => backoffDelayMs(index + 1, () => 0))).to.deep.equal(nominal);
    expect(nominal.map((_, index) => backoffDelayMs(index + 1, () => 0.999_999))).to.deep.equal(nominal.map((ms) => Math.round(ms * 0.75)));
    expect(backoffDelayMs(1000, () => 0)).to.equal(BACKOFF_MAX_MS);
  });

  it('makes a bounded number of attempts while one caller waits 30 s, then stops', async () => {
    // No idle or lifetime limit and min 0: no sweep timer, so any timer left would be a leak.
    // One connection stays open (the server is up, new connects fail): the caller waits it out.
    const { engine, factory } = makeEngine({ max: 2, acquireTimeoutMs: 30_000, idleTimeoutMs: 0, maxLifetimeMs: 0 });
    await engine.acquire();
    factory.failAlways = true;
    const error = await rejectionOf(Promise.all([engine.acquire(), clock.tickAsync(30_000)]));
    expect(error.code).to.equal('UNIPOOL_ACQUIRE_TIMEOUT');
    expect(error.cause).to.equal(factory.createError);
    // 50 ms doubling to 5 s: 11 attempts at full delays, 14 at the shortest jitter (+1: the open one).
    expect(factory.attempts).to.be.within(1 + 11, 1 + 14);
    expect(engine.stats().errors).to.equal(factory.attempts - 1);

    // The create that was waiting for its turn still makes its one attempt; then nothing.
    const attempts = factory.attempts;
    await clock.tickAsync(60_000);
    expect(factory.attempts).to.be.at.most(attempts + 1);
    const settled = factory.attempts;
    await clock.tickAsync(600_000);
    expect(factory.attempts, 'nobody waits and min is 0: no more attempts').to.equal(settled);
    expect(clock.countTimers(), 'no backoff timer left behind').to.equal(0);
  });

  it('lets one attempt at a time through while many callers wait', async () => {
    const { engine, factory } = makeEngine({ max: 11, acquireTimeoutMs: 30_000 });
    await engine.acquire();
    factory.failAlways = true;
    const waiters = Array.from({ length: 10 }, () => watch(engine.acquire()));
    await clock.tickAsync(30_000);
    expect(waiters.every((waiter) => waiter.settled().state === 'rejected')).to.equal(true);
    // The first 10 start together (the server was thought healthy); then one probe per delay.
    expect(factory.attempts).to.be.within(1 + 10 + 10, 1 + 10 + 14);
  });

  it('starts again from 50 ms once a connect succeeds', async () => {
    const { engine, factory } = makeEngine({ max: 3, acquireTimeoutMs: 30_000 });
    const held = await engine.acquire();
    factory.failNext = 6;
    const first = await Promise.all([engine.acquire(), clock.tickAsync(10_000)]).then(([conn]) => conn);
    expect(factory.attempts).to.equal(1 + 7);
    engine.destroy(first, 'broken');

    factory.failNext = 1;
    const startedAt = performance.now();
    const second = watch(engine.acquire());
    await clock.tickAsync(50);
    expect(second.settled().state, 'retried after at most 50 ms, not 3.2 s').to.equal('resolved');
    expect(performance.now() - startedAt).to.equal(50);
    engine.release(held);
  });

  it('reports every failed attempt to the observer and counts it', async () => {
    const { engine, factory, events } = makeEngine({ acquireTimeoutMs: 1000 });
    factory.failAlways = true;
    await rejectionOf(Promise.all([engine.acquire(), clock.tickAsync(1000)]));
    const failures = events.filter((event) => event.kind === 'connectFailed');
    expect(failures).to.have.length(factory.attempts);
    expect(engine.stats().errors).to.equal(factory.attempts);
  });
});
