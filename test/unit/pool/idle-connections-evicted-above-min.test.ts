import { expect } from 'chai';
import type { PooledConnection } from '../../../src/pool/pool-engine.js';
import type { FakeConnection } from '../../support/fake-factory.js';
import { installClock, makeEngine, type Clock, type Harness } from './pool-harness.js';

async function openAndRelease(harness: Harness, count: number): Promise<PooledConnection<FakeConnection>[]> {
  const conns = await Promise.all(Array.from({ length: count }, () => harness.engine.acquire()));
  for (const conn of conns) harness.engine.release(conn);
  return conns;
}

describe('pool engine: idle connections are closed above min', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('closes connections idle for idleTimeoutMs, keeping min open', async () => {
    const harness = makeEngine({ min: 1, max: 5, idleTimeoutMs: 10_000, maxLifetimeMs: 0 });
    await clock.tickAsync(0);
    await openAndRelease(harness, 4);
    expect(harness.engine.stats()).to.include({ size: 4, idle: 4 });

    await clock.tickAsync(9_999);
    expect(harness.engine.stats().size, 'not before idleTimeoutMs').to.equal(4);
    // The sweep runs every idleTimeoutMs / 4 (capped at 5 s): closed within 2.5 s after qualifying.
    await clock.tickAsync(2_501);
    expect(harness.engine.stats()).to.include({ size: 1, idle: 1 });
    expect(harness.destroyReasons()).to.deep.equal(['idle', 'idle', 'idle']);
    expect(harness.factory.live).to.equal(1);

    await clock.tickAsync(3_600_000);
    expect(harness.engine.stats().size, 'min stays open').to.equal(1);
  });

  it('never closes idle connections when idleTimeoutMs is 0', async () => {
    const harness = makeEngine({ max: 5, idleTimeoutMs: 0, maxLifetimeMs: 0 });
    await openAndRelease(harness, 3);
    await clock.tickAsync(24 * 3_600_000);
    expect(harness.engine.stats().size).to.equal(3);
    expect(harness.destroyReasons()).to.deep.equal([]);
  });

  it('does not close a connection that is in use, however long', async () => {
    const harness = makeEngine({ max: 2, idleTimeoutMs: 1000, maxLifetimeMs: 0 });
    const conn = await harness.engine.acquire();
    await clock.tickAsync(60_000);
    expect(harness.engine.stats()).to.include({ size: 1, inUse: 1 });
    harness.engine.release(conn);
    await clock.tickAsync(1000 + 250);
    expect(harness.engine.stats().size).to.equal(0);
  });

  it('counts idle time from the last release, not from creation', async () => {
    const harness = makeEngine({ max: 1, idleTimeoutMs: 10_000, maxLifetimeMs: 0, validateAfterIdleMs: 60_000 });
    for (let i = 0; i < 5; i++) {
      const conn = await harness.engine.acquire();
      harness.engine.release(conn);
      await clock.tickAsync(8_000);
    }
    expect(harness.engine.stats().size, 'used every 8 s: never idle for 10 s').to.equal(1);
    expect(harness.factory.created).to.have.length(1);
  });
});
