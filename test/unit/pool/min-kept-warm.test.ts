import { expect } from 'chai';
import { FakeFactory } from '../../support/fake-factory.js';
import { installClock, makeEngine, type Clock } from './pool-harness.js';

describe('pool engine: min connections are kept open', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('opens min connections in the background at start', async () => {
    const { engine, factory } = makeEngine({ min: 3, max: 5 });
    expect(factory.attempts, 'not before the engine is handed back').to.equal(0);
    await clock.tickAsync(0);
    expect(engine.stats()).to.include({ size: 3, idle: 3, created: 3 });
    expect(factory.live).to.equal(3);
  });

  it('keeps retrying, with backoff, until min connections are open', async () => {
    const factory = new FakeFactory();
    factory.failNext = 6;
    const { engine } = makeEngine({ min: 2, max: 5, idleTimeoutMs: 0, maxLifetimeMs: 0 }, { factory });
    await clock.tickAsync(30_000);
    expect(engine.stats()).to.include({ size: 2, idle: 2 });
    expect(factory.attempts, '6 failures then 2 successes').to.equal(8);
  });

  it('does not spin while the server stays down', async () => {
    const factory = new FakeFactory();
    factory.failAlways = true;
    makeEngine({ min: 5, max: 10, idleTimeoutMs: 0, maxLifetimeMs: 0 }, { factory });
    await clock.tickAsync(60_000);
    // 5 parallel first attempts, then one probe per backoff delay (at most 5 s apart, at least 3.75 s at the cap).
    expect(factory.attempts).to.be.within(5 + 14, 5 + 22);
  });

  it('replaces a connection destroyed below min', async () => {
    const { engine, factory } = makeEngine({ min: 2, max: 5 });
    await clock.tickAsync(0);
    const conn = await engine.acquire();
    engine.destroy(conn, 'broken');
    await clock.tickAsync(0);
    expect(engine.stats()).to.include({ size: 2, idle: 2, created: 3, destroyed: 1 });
    expect(factory.live).to.equal(2);
  });
});
