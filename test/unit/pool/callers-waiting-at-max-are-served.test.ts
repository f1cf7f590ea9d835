import { expect } from 'chai';
import type { PooledConnection } from '../../../src/pool/pool-engine.js';
import type { FakeConnection } from '../../support/fake-factory.js';
import { installClock, makeEngine, watch, type Clock } from './pool-harness.js';

describe('pool engine: callers waiting at max', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('are served in the order they came, each by the connection just released', async () => {
    const { engine } = makeEngine({ max: 1 });
    const held = await engine.acquire();
    const waiters = Array.from({ length: 5 }, () => watch(engine.acquire()));
    let conn: PooledConnection<FakeConnection> = held;
    for (let served = 0; served < waiters.length; served++) {
      engine.release(conn);
      await clock.tickAsync(0);
      const states = waiters.map((waiter) => waiter.settled().state);
      expect(states).to.deep.equal(waiters.map((_, index) => (index <= served ? 'resolved' : 'pending')));
      const outcome = waiters[served]!.settled();
      if (outcome.state !== 'resolved') throw new Error('expected the oldest waiter to be served');
      expect(outcome.value.id).to.equal(held.id);
      conn = outcome.value;
    }
    engine.release(conn);
    expect(engine.stats()).to.include({ size: 1, idle: 1, inUse: 0, waiting: 0, acquired: 6, released: 6 });
  });

  it('leave no timer behind once the queue is empty', async () => {
    const { engine } = makeEngine({ max: 1, acquireTimeoutMs: 30_000 });
    const held = await engine.acquire();
    const timersBefore = clock.countTimers();
    const waiter = watch(engine.acquire());
    watch(engine.acquire());
    expect(clock.countTimers()).to.equal(timersBefore + 1); // one timer for the whole queue
    engine.release(held);
    await clock.tickAsync(0);
    const outcome = waiter.settled();
    if (outcome.state !== 'resolved') throw new Error('expected the first waiter to be served');
    engine.release(outcome.value);
    await clock.tickAsync(0);
    expect(engine.stats().waiting).to.equal(0);
    // The one armed for the queue is gone with the last waiter: it would keep an idle process alive.
    expect(clock.countTimers()).to.equal(timersBefore);
  });

  it('get a new connection when one is destroyed, never going above max', async () => {
    const { engine, factory } = makeEngine({ max: 2 });
    const [a, b] = await Promise.all([engine.acquire(), engine.acquire()]);
    const waiters = Array.from({ length: 3 }, () => watch(engine.acquire()));
    await clock.tickAsync(0);
    expect(factory.attempts).to.equal(2);
    engine.destroy(a!, 'broken');
    await clock.tickAsync(0);
    expect(factory.attempts).to.equal(3);
    expect(waiters.map((waiter) => waiter.settled().state)).to.deep.equal(['resolved', 'pending', 'pending']);
    expect(engine.stats()).to.include({ size: 2, inUse: 2, waiting: 2 });
    engine.release(b!);
    await clock.tickAsync(0);
    expect(waiters.map((waiter) => waiter.settled().state)).to.deep.equal(['resolved', 'resolved', 'pending']);
    expect(factory.attempts).to.equal(3);
  });

  // With a connection open the server is up, so a failed create is retried for the waiter (with
  // none open the waiter would be answered UNIPOOL_CONNECT_FAILED instead).
  it('get a connection opened after a failed create, paced by the backoff', async () => {
    const { engine, factory } = makeEngine({ max: 2, acquireTimeoutMs: 30_000 });
    const held = await engine.acquire();
    factory.failNext = 2;
    const waiter = watch(engine.acquire());
    await clock.tickAsync(1000);
    expect(factory.attempts).to.equal(4);
    const outcome = waiter.settled();
    if (outcome.state !== 'resolved') throw new Error(`expected the waiter to be served, got ${outcome.state}`);
    engine.release(outcome.value);
    engine.release(held);
    expect(engine.stats()).to.include({ size: 2, errors: 2 });
  });

  it('get a checked connection when the idle one is due a ping, and another when it fails', async () => {
    const { engine, factory, destroyReasons } = makeEngine({ max: 2, validateAfterIdleMs: 1000 });
    const [a, b] = await Promise.all([engine.acquire(), engine.acquire()]);
    engine.release(a!);
    await clock.tickAsync(2000);
    a!.raw.pingFails = true;
    const waiter = watch(engine.acquire());
    await clock.tickAsync(0);
    expect(factory.pings).to.equal(1);
    expect(destroyReasons()).to.deep.equal(['validation']);
    expect(factory.attempts).to.equal(3);
    const outcome = waiter.settled();
    if (outcome.state !== 'resolved') throw new Error(`expected the waiter to be served, got ${outcome.state}`);
    expect(outcome.value.id).to.not.equal(a!.id);
    engine.release(outcome.value);
    engine.release(b!);
    expect(engine.stats()).to.include({ size: 2, idle: 2, waiting: 0 });
  });
});
