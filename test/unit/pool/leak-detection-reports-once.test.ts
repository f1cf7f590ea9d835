import { expect } from 'chai';
import { installClock, makeEngine, type Clock } from './pool-harness.js';

describe('pool engine: leak detection', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('reports a lease held longer than leakDetectionMs once, with the stack that acquired it', async () => {
    const { engine, events } = makeEngine({ leakDetectionMs: 2000 });
    const conn = await engine.acquire();
    await clock.tickAsync(1999);
    expect(events.filter((event) => event.kind === 'leaked')).to.have.length(0);
    await clock.tickAsync(1);
    await clock.tickAsync(60_000);
    const leaks = events.flatMap((event) => (event.kind === 'leaked' ? [event] : []));
    expect(leaks).to.have.length(1);
    expect(leaks[0]!.id).to.equal(conn.id);
    expect(leaks[0]!.heldMs).to.equal(2000);
    expect(leaks[0]!.stack).to.match(/^LeaseAcquired: a connection of pool "main" was acquired here/);
    expect(leaks[0]!.stack).to.include('leak-detection-reports-once.test.ts');
    expect(leaks[0]!.stack, 'the engine frames are left out').to.not.include('generic-pool-engine');
    expect(engine.stats().leaks).to.equal(1);
    engine.release(conn);
  });

  it('says nothing about a lease released in time, and clears its timer', async () => {
    const { engine, events } = makeEngine({ leakDetectionMs: 2000, idleTimeoutMs: 0, maxLifetimeMs: 0 });
    const conn = await engine.acquire();
    expect(clock.countTimers()).to.equal(1);
    await clock.tickAsync(1999);
    engine.release(conn);
    expect(clock.countTimers()).to.equal(0);
    await clock.tickAsync(10_000);
    expect(events.filter((event) => event.kind === 'leaked')).to.have.length(0);
    expect(engine.stats().leaks).to.equal(0);
  });

  it('arms a fresh timer for each checkout', async () => {
    const { engine } = makeEngine({ leakDetectionMs: 1000, max: 1 });
    for (let i = 0; i < 3; i++) {
      const conn = await engine.acquire();
      await clock.tickAsync(1500);
      engine.release(conn);
    }
    expect(engine.stats().leaks).to.equal(3);
  });

  it('costs nothing when off: no timer per checkout', async () => {
    const { engine } = makeEngine({ leakDetectionMs: 0, idleTimeoutMs: 0, maxLifetimeMs: 0 });
    const conn = await engine.acquire();
    expect(clock.countTimers()).to.equal(0);
    engine.release(conn);
  });
});
