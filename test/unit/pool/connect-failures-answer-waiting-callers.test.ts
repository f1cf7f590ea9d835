import { expect } from 'chai';
import { BACKOFF_INITIAL_MS } from '../../../src/pool/backoff.js';
import { installClock, makeEngine, rejectionOf, watch, type Clock } from './pool-harness.js';

describe('pool engine: a failed connect answers the callers waiting for it', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('a permanent failure (bad password) rejects every waiting caller at once with UNIPOOL_CONNECT_FAILED', async () => {
    const { engine, factory } = makeEngine({ max: 5, acquireTimeoutMs: 30_000 });
    factory.failAlways = true;
    factory.failuresArePermanent = true;
    factory.createDelayMs = 20;
    const waiters = Array.from({ length: 20 }, () => watch(engine.acquire()));
    await clock.tickAsync(20);
    const outcomes = waiters.map((waiter) => waiter.settled());
    expect(outcomes.map((outcome) => outcome.state)).to.deep.equal(Array(20).fill('rejected'));
    for (const outcome of outcomes) {
      if (outcome.state !== 'rejected') continue;
      expect(outcome.error.code).to.equal('UNIPOOL_CONNECT_FAILED');
      expect(outcome.error.cause).to.equal(factory.createError);
    }
    expect(engine.stats()).to.include({ waiting: 0, timeouts: 0 });
  });

  it('a permanent failure rejects waiting callers even while other connections are open', async () => {
    const { engine, factory } = makeEngine({ max: 2, acquireTimeoutMs: 30_000 });
    const held = await engine.acquire();
    factory.failAlways = true;
    factory.failuresArePermanent = true;
    const error = await rejectionOf(Promise.all([engine.acquire(), clock.tickAsync(0)]));
    expect(error.code).to.equal('UNIPOOL_CONNECT_FAILED');
    engine.release(held);
  });

  it('a transient failure with no connection open rejects every waiting caller of a burst after one attempt', async () => {
    const { engine, factory } = makeEngine({ max: 10, acquireTimeoutMs: 30_000, connectTimeoutMs: 1000 });
    factory.failAlways = true;
    factory.createDelayMs = 300;
    const waiters = Array.from({ length: 50 }, () => watch(engine.acquire()));
    await clock.tickAsync(299);
    expect(waiters.every((waiter) => waiter.settled().state === 'pending')).to.equal(true);
    await clock.tickAsync(1);
    expect(waiters.every((waiter) => waiter.settled().state === 'rejected')).to.equal(true);
    const first = waiters[0]!.settled();
    if (first.state === 'rejected') expect(first.error.code).to.equal('UNIPOOL_CONNECT_FAILED');
  });

  it('a caller arriving during the outage is answered after the backoff delay and one attempt, not acquireTimeoutMs', async () => {
    const { engine, factory } = makeEngine({ max: 10, acquireTimeoutMs: 30_000 });
    factory.failAlways = true;
    await rejectionOf(engine.acquire());
    const attempts = factory.attempts;
    const later = watch(engine.acquire());
    await clock.tickAsync(BACKOFF_INITIAL_MS);
    expect(later.settled().state).to.equal('rejected');
    expect(factory.attempts, 'it was answered by a fresh attempt').to.be.greaterThan(attempts);
  });

  it('once the server answers again, callers are served', async () => {
    const { engine, factory } = makeEngine({ max: 2, acquireTimeoutMs: 30_000 });
    factory.failNext = 1;
    expect((await rejectionOf(engine.acquire())).code).to.equal('UNIPOOL_CONNECT_FAILED');
    const conn = await Promise.all([engine.acquire(), clock.tickAsync(BACKOFF_INITIAL_MS)]).then(([c]) => c);
    engine.release(conn);
    expect(engine.stats()).to.include({ size: 1, errors: 1 });
  });

  it('a transient failure while a connection is open keeps callers waiting for a release', async () => {
    const { engine, factory } = makeEngine({ max: 2, acquireTimeoutMs: 30_000 });
    const held = await engine.acquire();
    factory.failAlways = true;
    const waiter = watch(engine.acquire());
    await clock.tickAsync(1000);
    expect(waiter.settled().state).to.equal('pending');
    engine.release(held);
    await clock.tickAsync(0);
    expect(waiter.settled().state).to.equal('resolved');
  });
});
