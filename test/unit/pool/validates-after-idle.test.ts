import { expect } from 'chai';
import { installClock, makeEngine, type Clock } from './pool-harness.js';

describe('pool engine: validateAfterIdleMs pings a connection idle too long before lending it', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('pings only when the connection was idle longer than validateAfterIdleMs', async () => {
    const { engine, factory } = makeEngine({ validateAfterIdleMs: 5000 });
    engine.release(await engine.acquire());
    await clock.tickAsync(4_999);
    engine.release(await engine.acquire());
    expect(factory.pings).to.equal(0);
    await clock.tickAsync(5_000);
    engine.release(await engine.acquire());
    expect(factory.pings).to.equal(1);
  });

  it('destroys a connection that fails its ping and transparently hands out another', async () => {
    const { engine, factory, destroyReasons } = makeEngine({ validateAfterIdleMs: 5000 });
    const first = await engine.acquire();
    engine.release(first);
    await clock.tickAsync(6_000);
    first.raw.pingFails = true;
    const next = await engine.acquire();
    expect(next.id).to.not.equal(first.id);
    expect(destroyReasons()).to.deep.equal(['validation']);
    expect(first.raw.closed).to.equal(true);
    expect(engine.stats()).to.include({ size: 1, inUse: 1, acquired: 2 });
    expect(factory.pings).to.equal(1);
    engine.release(next);
  });

  it('moves on to the next idle connection when one fails its ping', async () => {
    const { engine, factory } = makeEngine({ validateAfterIdleMs: 5000, order: 'lifo' });
    const [a, b] = await Promise.all([engine.acquire(), engine.acquire()]);
    engine.release(a!);
    engine.release(b!);
    await clock.tickAsync(6_000);
    b!.raw.pingFails = true; // LIFO: b is offered first
    const next = await engine.acquire();
    expect(next.id).to.equal(a!.id);
    expect(factory.created, 'no new connection needed').to.have.length(2);
    engine.release(next);
  });

  it('treats a ping that never answers as failed after connectTimeoutMs', async () => {
    const { engine, factory, destroyReasons } = makeEngine({ validateAfterIdleMs: 5000, connectTimeoutMs: 2000, acquireTimeoutMs: 10_000 });
    const first = await engine.acquire();
    engine.release(first);
    await clock.tickAsync(6_000);
    factory.hangPings = true;
    const next = await Promise.all([engine.acquire(), clock.tickAsync(2_000)]).then(([conn]) => conn);
    expect(next.id).to.not.equal(first.id);
    expect(destroyReasons()).to.deep.equal(['validation']);
    engine.release(next);
  });

  it('pings on every borrow when validateAfterIdleMs is 0', async () => {
    const { engine, factory } = makeEngine({ validateAfterIdleMs: 0 });
    for (let i = 0; i < 3; i++) engine.release(await engine.acquire());
    expect(factory.pings).to.equal(3);
  });
});
