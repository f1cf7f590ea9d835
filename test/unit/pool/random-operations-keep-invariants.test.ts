import { expect } from 'chai';
import type { PooledConnection } from '../../../src/pool/pool-engine.js';
import { FakeFactory, type FakeConnection } from '../../support/fake-factory.js';
import { installClock, makeEngine, seededRandom, type Clock } from './pool-harness.js';

describe('pool engine: random operations keep the invariants', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: never above max, size = idle + inUse, inUse = leases held, everything closed after close()`, async () => {
      const random = seededRandom(seed);
      const pick = (n: number): number => Math.floor(random() * n);
      const factory = new FakeFactory();
      const max = 1 + pick(5);
      const { engine } = makeEngine(
        {
          min: pick(max + 1),
          max,
          acquireTimeoutMs: 200 + pick(2000),
          maxWaiting: random() < 0.3 ? pick(4) : null,
          idleTimeoutMs: random() < 0.5 ? 0 : 100 + pick(3000),
          maxLifetimeMs: random() < 0.5 ? 0 : 500 + pick(5000),
          maxUses: random() < 0.5 ? 0 : 1 + pick(5),
          validateAfterIdleMs: pick(1000),
          connectTimeoutMs: 50 + pick(500),
          order: random() < 0.5 ? 'lifo' : 'fifo',
          leakDetectionMs: random() < 0.5 ? 0 : 100 + pick(1000),
        },
        { factory, random },
      );
      const held: PooledConnection<FakeConnection>[] = [];
      let rejected = 0;

      for (let step = 0; step < 400; step++) {
        const roll = random();
        if (roll < 0.35) {
          engine.acquire().then(
            (conn) => held.push(conn),
            () => (rejected += 1),
          );
        } else if (roll < 0.6 && held.length > 0) {
          const conn = held.splice(pick(held.length), 1)[0]!;
          if (random() < 0.1) conn.dirty = true;
          engine.release(conn);
        } else if (roll < 0.65 && held.length > 0) {
          engine.destroy(held.splice(pick(held.length), 1)[0]!, 'broken');
        } else if (roll < 0.7) {
          factory.failNext = pick(4);
        } else if (roll < 0.75) {
          factory.createDelayMs = random() < 0.5 ? 0 : pick(800);
        } else if (roll < 0.8) {
          const idle = factory.created.filter((conn) => !conn.closed);
          if (idle.length > 0) idle[pick(idle.length)]!.pingFails = true;
        }
        await clock.tickAsync(pick(4) === 0 ? pick(3000) : pick(20));

        const stats = engine.stats();
        expect(stats.size, `step ${step}`).to.be.at.most(max);
        expect(stats.size, `step ${step}`).to.equal(stats.idle + stats.inUse);
        expect(stats.inUse, `step ${step}: every lease out is one the test holds`).to.be.at.least(held.length);
        expect(stats.acquired - stats.released, `step ${step}`).to.equal(held.length);
        expect(factory.live, `step ${step}: open connections at the driver`).to.be.at.most(max);
        expect(new Set(held.map((conn) => conn.id)).size, `step ${step}: no connection lent twice`).to.equal(held.length);
      }

      const closing = engine.close({ timeoutMs: 1000 });
      await clock.tickAsync(1000);
      await closing;
      await clock.runAllAsync(); // let late connects arrive (and be closed)
      expect(factory.live, 'every connection closed').to.equal(0);
      expect(engine.stats().size).to.equal(0);
      expect(engine.stats().created).to.equal(engine.stats().destroyed);
      expect(clock.countTimers()).to.equal(0);
      expect(rejected + engine.stats().acquired).to.be.greaterThan(0);
    });
  }
});
