import { expect } from 'chai';
import type { PoolObserver } from '../../../src/pool/pool-engine.js';
import { FakeFactory } from '../../support/fake-factory.js';
import { installClock, makeEngine, rejectionOf, type Clock } from './pool-harness.js';

describe('pool engine: observers', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('are told about create, acquire, release, destroy, timeout and connect failure, with durations', async () => {
    const factory = new FakeFactory();
    factory.createDelayMs = 30;
    const { engine, events } = makeEngine({ max: 1, acquireTimeoutMs: 500 }, { factory });
    const conn = await Promise.all([engine.acquire(), clock.tickAsync(30)]).then(([c]) => c);
    await clock.tickAsync(70);
    engine.destroy(conn, 'broken');
    factory.failAlways = true;
    expect((await rejectionOf(Promise.all([engine.acquire(), clock.tickAsync(30)]))).code).to.equal('UNIPOOL_CONNECT_FAILED');
    factory.failAlways = false;
    const held = await Promise.all([engine.acquire(), clock.tickAsync(200)]).then(([c]) => c);
    await rejectionOf(Promise.all([engine.acquire(), clock.tickAsync(500)]));
    engine.release(held);

    const kinds = events.map((event) => event.kind);
    expect(kinds.slice(0, 5)).to.deep.equal(['created', 'acquired', 'released', 'destroyed', 'connectFailed']);
    expect(kinds.at(-2)).to.equal('timedOut');
    expect(events[0]).to.deep.equal({ kind: 'created', id: 1, createMs: 30 });
    expect(events[1]).to.deep.equal({ kind: 'acquired', id: 1, waitMs: 30 });
    expect(events[2]).to.deep.equal({ kind: 'released', id: 1, holdMs: 70 });
    expect(events[3]).to.deep.equal({ kind: 'destroyed', id: 1, reason: 'broken' });
    const timedOut = events.at(-2);
    if (timedOut?.kind !== 'timedOut') throw new Error('no timedOut event');
    expect((timedOut.error as { code?: string }).code).to.equal('UNIPOOL_ACQUIRE_TIMEOUT');
  });

  it('that throw never break the pool, and are reported once per method', async () => {
    const warnings: string[] = [];
    const boom = (): never => {
      throw new Error('observer bug');
    };
    const observer: PoolObserver = {
      acquired: boom,
      released: boom,
      created: boom,
      destroyed: boom,
      timedOut: boom,
      connectFailed: boom,
      leaked: boom,
    };
    const factory = new FakeFactory();
    const { engine } = makeEngine(
      { max: 1, acquireTimeoutMs: 100, leakDetectionMs: 50, maxUses: 2 },
      { factory, observer, logger: { warn: (message) => warnings.push(message) } },
    );
    for (let i = 0; i < 4; i++) {
      const conn = await engine.acquire();
      await clock.tickAsync(60);
      engine.release(conn);
    }
    const held = await engine.acquire();
    const timeout = await rejectionOf(Promise.all([engine.acquire(), clock.tickAsync(100)]));
    expect(timeout.code).to.equal('UNIPOOL_ACQUIRE_TIMEOUT');
    engine.destroy(held, 'broken');
    factory.failAlways = true;
    await rejectionOf(Promise.all([engine.acquire(), clock.tickAsync(100)]));
    await engine.close();

    expect(engine.stats()).to.include({ acquired: 5, released: 5, leaks: 5 });
    expect(warnings).to.have.length(7);
    expect(warnings[0]).to.equal(
      'unipool: the "created" observer of pool "main" threw (observer bug); the pool carried on. Further errors from this observer method are not reported.',
    );
    expect(warnings.map((warning) => /"(\w+)" observer/.exec(warning)?.[1]).sort()).to.deep.equal(
      ['acquired', 'connectFailed', 'created', 'destroyed', 'leaked', 'released', 'timedOut'],
    );
  });

  it('report to process warnings when no logger is given', async () => {
    const seen: string[] = [];
    const onWarning = (warning: Error): void => {
      seen.push(warning.message);
    };
    process.on('warning', onWarning);
    try {
      const { engine } = makeEngine({}, { observer: { acquired: () => { throw new Error('nope'); } } });
      engine.release(await engine.acquire());
      await new Promise<void>((resolve) => process.nextTick(resolve));
      await clock.tickAsync(0);
      expect(seen.some((message) => message.includes('"acquired" observer of pool "main" threw (nope)'))).to.equal(true);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
