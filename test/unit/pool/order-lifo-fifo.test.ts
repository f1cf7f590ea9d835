import { expect } from 'chai';
import { installClock, makeEngine, type Clock } from './pool-harness.js';

describe('pool engine: order chooses the next idle connection', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  for (const [order, expected] of [
    ['lifo', [3, 2, 1]],
    ['fifo', [1, 2, 3]],
  ] as const) {
    it(`${order}: hands out ${order === 'lifo' ? 'the most recently' : 'the least recently'} released connection first`, async () => {
      const { engine } = makeEngine({ max: 3, order });
      const conns = await Promise.all([engine.acquire(), engine.acquire(), engine.acquire()]);
      for (const conn of conns.sort((a, b) => a.id - b.id)) engine.release(conn);
      const next = await Promise.all([engine.acquire(), engine.acquire(), engine.acquire()]);
      expect(next.map((conn) => conn.id)).to.deep.equal(expected);
    });
  }

  it('lifo is the default, and lets spare connections idle out under light load', async () => {
    const { engine } = makeEngine({ max: 5, idleTimeoutMs: 10_000, maxLifetimeMs: 0, validateAfterIdleMs: 60_000 });
    const conns = await Promise.all(Array.from({ length: 5 }, () => engine.acquire()));
    for (const conn of conns) engine.release(conn);
    // One caller every second: with LIFO it keeps reusing one connection; the other four idle out.
    for (let i = 0; i < 20; i++) {
      engine.release(await engine.acquire());
      await clock.tickAsync(1000);
    }
    expect(engine.stats().size).to.equal(1);
  });
});
