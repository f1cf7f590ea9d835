import { expect } from 'chai';
import { LIFETIME_JITTER, Retirement } from '../../../src/pool/retirement.js';
import { installClock, makeEngine, poolOptions, seededRandom, type Clock } from './pool-harness.js';

describe('pool engine: maxLifetimeMs retires connections, with jitter, never while in use', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('gives each connection its own lifetime, up to 2.5 % shorter', () => {
    const retirement = new Retirement(poolOptions({ maxLifetimeMs: 1_800_000 }), seededRandom(7));
    const lifetimes = Array.from({ length: 1000 }, () => retirement.retireAt(0));
    expect(Math.min(...lifetimes)).to.be.at.least(1_800_000 * (1 - LIFETIME_JITTER));
    expect(Math.max(...lifetimes)).to.be.at.most(1_800_000);
    expect(new Set(lifetimes).size, 'spread out, not all equal').to.be.greaterThan(900);
    expect(Math.max(...lifetimes) - Math.min(...lifetimes)).to.be.greaterThan(1_800_000 * LIFETIME_JITTER * 0.9);
  });

  it('has no limit when maxLifetimeMs is 0', () => {
    const retirement = new Retirement(poolOptions({ maxLifetimeMs: 0 }), Math.random);
    expect(retirement.retireAt(123)).to.equal(Number.POSITIVE_INFINITY);
  });

  it('retires an idle connection past its lifetime', async () => {
    const { engine, factory, destroyReasons } = makeEngine({ min: 0, idleTimeoutMs: 0, maxLifetimeMs: 60_000 }, { random: () => 0 });
    engine.release(await engine.acquire());
    await clock.tickAsync(59_999);
    expect(engine.stats().size).to.equal(1);
    // Sweep every 15 s → capped at 5 s.
    await clock.tickAsync(5_001);
    expect(engine.stats().size).to.equal(0);
    expect(destroyReasons()).to.deep.equal(['lifetime']);
    expect(factory.live).to.equal(0);
  });

  it('never retires a connection in use: it goes when released', async () => {
    const { engine, factory, destroyReasons } = makeEngine({ idleTimeoutMs: 0, maxLifetimeMs: 60_000 });
    const conn = await engine.acquire();
    await clock.tickAsync(180_000);
    expect(factory.live, 'still open while held').to.equal(1);
    expect(conn.raw.closed).to.equal(false);
    engine.release(conn);
    expect(destroyReasons()).to.deep.equal(['lifetime']);
    expect(conn.raw.closed).to.equal(true);
    expect(engine.stats().size).to.equal(0);
  });

  it('retires an expired idle connection on borrow and hands out a fresh one', async () => {
    // Lifetime 61 s, sweeps every 5 s: at 62 s it is expired but no sweep has seen it yet.
    const { engine, destroyReasons } = makeEngine({ idleTimeoutMs: 0, maxLifetimeMs: 61_000, validateAfterIdleMs: 1_000_000 }, { random: () => 0 });
    const first = await engine.acquire();
    engine.release(first);
    await clock.tickAsync(62_000);
    expect(engine.stats().size).to.equal(1);
    const second = await engine.acquire();
    expect(second.id).to.not.equal(first.id);
    expect(destroyReasons()).to.deep.equal(['lifetime']);
    engine.release(second);
  });

  it('replaces retired connections to keep min open', async () => {
    const { engine } = makeEngine({ min: 2, idleTimeoutMs: 0, maxLifetimeMs: 60_000 });
    await clock.tickAsync(0);
    const before = engine.stats().created;
    await clock.tickAsync(70_000);
    expect(engine.stats()).to.include({ size: 2, created: before + 2, destroyed: 2 });
  });
});
