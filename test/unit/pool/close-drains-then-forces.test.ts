import { expect } from 'chai';
import { PoolClosedError } from '../../../src/errors.js';
import { FakeFactory } from '../../support/fake-factory.js';
import { installClock, makeEngine, rejectionOf, watch, type Clock } from './pool-harness.js';
import { withDocsLink } from '../../support/docs-link.js';

describe('pool engine: close() drains, then forces', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('rejects new acquires with UNIPOOL_POOL_CLOSED from the first call', async () => {
    const { engine } = makeEngine();
    const closing = engine.close();
    expect(engine.closed).to.equal(true);
    const error = await rejectionOf(engine.acquire());
    expect(error).to.be.instanceOf(PoolClosedError);
    expect(error.code).to.equal('UNIPOOL_POOL_CLOSED');
    expect(error.message).to.equal(withDocsLink('UNIPOOL_POOL_CLOSED', 'unipool: pool "main" is closed; it takes no new work. Create the databases again to reconnect.'));
    await closing;
    expect(engine.stats().rejected).to.equal(1);
  });

  it('rejects callers already waiting', async () => {
    const { engine } = makeEngine({ max: 1 });
    const held = await engine.acquire();
    const waiters = [watch(engine.acquire()), watch(engine.acquire())];
    const closing = watch(engine.close());
    await clock.tickAsync(0);
    for (const waiter of waiters) {
      const outcome = waiter.settled();
      expect(outcome.state).to.equal('rejected');
      if (outcome.state === 'rejected') expect(outcome.error.code).to.equal('UNIPOOL_POOL_CLOSED');
    }
    expect(engine.stats().waiting).to.equal(0);
    engine.release(held);
    await clock.tickAsync(0);
    expect(closing.settled().state).to.equal('resolved');
  });

  it('waits for checked-out connections, closing each as it is released', async () => {
    const { engine, factory, destroyReasons } = makeEngine({ max: 3 });
    const [a, b, c] = await Promise.all([engine.acquire(), engine.acquire(), engine.acquire()]);
    engine.release(c!);
    const closing = watch(engine.close({ timeoutMs: 5000 }));
    await clock.tickAsync(1000);
    expect(closing.settled().state).to.equal('pending');
    expect(c!.raw.closed, 'idle connections close at once').to.equal(true);
    engine.release(a!);
    expect(a!.raw.closed).to.equal(true);
    await clock.tickAsync(1000);
    expect(closing.settled().state).to.equal('pending');
    engine.release(b!);
    await clock.tickAsync(0);
    expect(closing.settled().state).to.equal('resolved');
    expect(destroyReasons()).to.deep.equal(['closed', 'closed', 'closed']);
    expect(factory.live).to.equal(0);
  });

  it('destroys connections still checked out after timeoutMs ("forced"), and ignores their late release', async () => {
    const { engine, factory, destroyReasons } = makeEngine();
    const held = await engine.acquire();
    const closing = watch(engine.close({ timeoutMs: 2000 }));
    await clock.tickAsync(1999);
    expect(closing.settled().state).to.equal('pending');
    await clock.tickAsync(1);
    expect(closing.settled().state).to.equal('resolved');
    expect(destroyReasons()).to.deep.equal(['forced']);
    expect(factory.live).to.equal(0);
    expect(() => engine.release(held)).to.not.throw();
    expect(() => engine.destroy(held, 'broken')).to.not.throw();
  });

  it('waits 10 s by default', async () => {
    const { engine } = makeEngine();
    await engine.acquire();
    const closing = watch(engine.close());
    await clock.tickAsync(9_999);
    expect(closing.settled().state).to.equal('pending');
    await clock.tickAsync(1);
    expect(closing.settled().state).to.equal('resolved');
  });

  it('is idempotent: a second call returns the same promise', async () => {
    const { engine } = makeEngine();
    const first = engine.close();
    const second = engine.close({ timeoutMs: 1 });
    expect(second).to.equal(first);
    await first;
  });

  it('leaves no timer behind', async () => {
    const factory = new FakeFactory();
    const { engine } = makeEngine(
      { min: 2, max: 4, idleTimeoutMs: 10_000, maxLifetimeMs: 60_000, leakDetectionMs: 5000, acquireTimeoutMs: 30_000 },
      { factory },
    );
    await clock.tickAsync(0);
    const held = await Promise.all([engine.acquire(), engine.acquire(), engine.acquire(), engine.acquire()]);
    const waiter = watch(engine.acquire());
    engine.release(held[0]!);
    expect(clock.countTimers()).to.be.greaterThan(0);
    const closing = watch(engine.close({ timeoutMs: 3000 }));
    await clock.tickAsync(3000);
    expect(closing.settled().state).to.equal('resolved');
    expect(waiter.settled().state).to.not.equal('pending');
    expect(clock.countTimers()).to.equal(0);
    expect(factory.live).to.equal(0);
  });

  it('leaves no timer behind while connects are failing', async () => {
    const factory = new FakeFactory();
    factory.failAlways = true;
    const { engine } = makeEngine({ min: 3 }, { factory });
    const waiter = watch(engine.acquire());
    await clock.tickAsync(300);
    await engine.close();
    await clock.tickAsync(0);
    expect(waiter.settled().state).to.equal('rejected');
    expect(clock.countTimers()).to.equal(0);
    const attempts = factory.attempts;
    await clock.tickAsync(60_000);
    expect(factory.attempts, 'no attempts after close').to.equal(attempts);
  });

  it('starts no connection attempt after close, even one whose backoff turn came just before', async () => {
    const factory = new FakeFactory();
    factory.failNext = 1;
    const { engine } = makeEngine({ idleTimeoutMs: 0, maxLifetimeMs: 0 }, { factory, random: () => 0 });
    const waiter = watch(engine.acquire());
    await clock.tickAsync(0);
    expect(factory.attempts).to.equal(1);
    clock.tick(50); // the backoff timer grants the next attempt its turn; its continuation has not run yet
    const closing = engine.close();
    await closing;
    await clock.tickAsync(1000);
    expect(factory.attempts).to.equal(1);
    expect(waiter.settled().state).to.equal('rejected');
    expect(clock.countTimers()).to.equal(0);
  });

  it('does not wait for a connect in flight, and closes that connection when it arrives', async () => {
    const factory = new FakeFactory();
    factory.hangCreates = true;
    const { engine } = makeEngine({}, { factory });
    const waiter = watch(engine.acquire());
    await clock.tickAsync(100);
    await engine.close();
    expect(clock.countTimers(), 'connect timeout timer cleared').to.equal(0);
    factory.releaseHanging();
    await clock.tickAsync(0);
    expect(waiter.settled().state).to.equal('rejected');
    expect(factory.created).to.have.length(1);
    expect(factory.live).to.equal(0);
    expect(engine.stats()).to.include({ size: 0, created: 0 });
  });

  it('closes a connection released after close() has resolved', async () => {
    const { engine, factory } = makeEngine();
    const held = await engine.acquire();
    const closing = engine.close({ timeoutMs: 0 });
    await clock.tickAsync(0);
    await closing;
    expect(factory.live).to.equal(0);
    expect(() => engine.release(held)).to.not.throw();
  });

  it('stops keeping min open', async () => {
    const { engine, factory } = makeEngine({ min: 2 });
    await clock.tickAsync(0);
    await engine.close();
    await clock.tickAsync(60_000);
    expect(factory.created).to.have.length(2);
    expect(factory.live).to.equal(0);
  });

  it('does not care when the driver fails to close a connection', async () => {
    const { engine, factory } = makeEngine({ max: 2 });
    factory.destroyFails = true;
    const conns = await Promise.all([engine.acquire(), engine.acquire()]);
    for (const conn of conns) engine.release(conn);
    await engine.close();
    expect(factory.destroyed).to.have.length(2);
  });
});
