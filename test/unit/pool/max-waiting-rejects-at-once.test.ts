import { expect } from 'chai';
import { QueueFullError } from '../../../src/errors.js';
import { installClock, makeEngine, rejectionOf, watch, type Clock } from './pool-harness.js';
import { withDocsLink } from '../../support/docs-link.js';

describe('pool engine: maxWaiting limits the waiting queue', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('rejects at once with UNIPOOL_QUEUE_FULL and the pool numbers beyond maxWaiting', async () => {
    const { engine } = makeEngine({ max: 1, maxWaiting: 1 });
    const held = await engine.acquire();
    const waiting = watch(engine.acquire());
    const error = await rejectionOf(engine.acquire());
    expect(error).to.be.instanceOf(QueueFullError);
    expect(error.code).to.equal('UNIPOOL_QUEUE_FULL');
    expect(error.message).to.equal(
      withDocsLink('UNIPOOL_QUEUE_FULL', 'unipool: pool "main" has 1 callers waiting (maxWaiting=1); rejecting at once (size=1 inUse=1 idle=0). ' +
        'Raise pool.maxWaiting or pool.max, or shed load earlier.'),
    );
    expect(engine.stats()).to.include({ rejected: 1, waiting: 1 });
    engine.release(held);
    await clock.tickAsync(0);
    expect(waiting.settled().state).to.equal('resolved');
  });

  it('never queues with maxWaiting 0', async () => {
    const { engine } = makeEngine({ max: 1, maxWaiting: 0 });
    const held = await engine.acquire();
    const error = await rejectionOf(engine.acquire());
    expect(error.code).to.equal('UNIPOOL_QUEUE_FULL');
    engine.release(held);
  });

  it('lets a caller wait for a connection being opened even with maxWaiting 0', async () => {
    const { engine, factory } = makeEngine({ max: 2, maxWaiting: 0 });
    factory.createDelayMs = 100;
    const conn = await Promise.all([engine.acquire(), clock.tickAsync(100)]).then(([c]) => c);
    expect(conn.raw.closed).to.equal(false);
    engine.release(conn);
  });

  it('queues without limit when maxWaiting is null', async () => {
    const { engine } = makeEngine({ max: 1, maxWaiting: null });
    const held = await engine.acquire();
    const waiters = Array.from({ length: 500 }, () => watch(engine.acquire()));
    await clock.tickAsync(0);
    expect(engine.stats()).to.include({ waiting: 500, rejected: 0 });
    engine.release(held);
    await clock.tickAsync(0);
    expect(waiters[0]!.settled().state).to.equal('resolved');
  });
});
