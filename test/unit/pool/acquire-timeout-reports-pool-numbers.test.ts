import { expect } from 'chai';
import { AcquireTimeoutError, UnipoolError } from '../../../src/errors.js';
import { installClock, makeEngine, rejectionOf, watch, type Clock } from './pool-harness.js';
import { withDocsLink } from '../../support/docs-link.js';

describe('pool engine: an acquire that waits too long', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  // `waiting` counts the callers waiting when the deadline passed, the one that gave up included.
  it('rejects after acquireTimeoutMs with the pool numbers in the message', async () => {
    const { engine } = makeEngine({ max: 1, acquireTimeoutMs: 1000 });
    const held = await engine.acquire();
    const first = watch(engine.acquire());
    await clock.tickAsync(500);
    const second = watch(engine.acquire());
    await clock.tickAsync(499);
    expect(first.settled().state).to.equal('pending');
    await clock.tickAsync(1);

    const outcome = first.settled();
    if (outcome.state !== 'rejected') throw new Error(`expected a rejection, got ${outcome.state}`);
    expect(outcome.error).to.be.instanceOf(AcquireTimeoutError);
    expect(outcome.error).to.be.instanceOf(UnipoolError);
    expect(outcome.error.code).to.equal('UNIPOOL_ACQUIRE_TIMEOUT');
    expect(outcome.error.message).to.equal(
      withDocsLink('UNIPOOL_ACQUIRE_TIMEOUT', 'unipool: timed out after 1000 ms waiting for a connection from pool "main" (size=1 inUse=1 idle=0 waiting=2). Every connection stayed busy: raise pool.max or pool.acquireTimeoutMs, or find what holds connections too long (stats().holdMs, pool.leakDetectionMs).'),
    );
    expect(outcome.error.cause).to.equal(undefined);
    expect(second.settled().state).to.equal('pending');
    expect(engine.stats().timeouts).to.equal(1);
    engine.release(held);
    await clock.tickAsync(0);
    expect(second.settled().state).to.equal('resolved');
  });

  // With a connection open (the server is up; new connects fail) a caller waits for a release, and
  // the timeout names the connect error. With none open it would get UNIPOOL_CONNECT_FAILED at once.
  it('carries the last connect error as cause and appends its message', async () => {
    const { engine, factory } = makeEngine({ max: 2, acquireTimeoutMs: 2000 });
    const held = await engine.acquire();
    factory.failAlways = true;
    const error = await rejectionOf(Promise.all([engine.acquire(), clock.tickAsync(2000)]));
    expect(error.code).to.equal('UNIPOOL_ACQUIRE_TIMEOUT');
    expect(error.cause).to.equal(factory.createError);
    expect(error.message).to.equal(
      withDocsLink('UNIPOOL_ACQUIRE_TIMEOUT', 'unipool: timed out after 2000 ms waiting for a connection from pool "main" (size=1 inUse=1 idle=0 waiting=1); ' +
        'last connect error: connect ECONNREFUSED 127.0.0.1:5432. Fix the connection problem (see error.cause).'),
    );
    engine.release(held);
  });

  it('forgets the connect error once a connection opens again', async () => {
    const { engine, factory } = makeEngine({ max: 1, acquireTimeoutMs: 1000 });
    factory.failNext = 2;
    expect((await rejectionOf(engine.acquire())).code).to.equal('UNIPOOL_CONNECT_FAILED');
    expect((await rejectionOf(Promise.all([engine.acquire(), clock.tickAsync(100)]))).code).to.equal('UNIPOOL_CONNECT_FAILED');
    const held = await Promise.all([engine.acquire(), clock.tickAsync(500)]).then(([conn]) => conn);
    expect(factory.attempts).to.equal(3);
    const error = await rejectionOf(Promise.all([engine.acquire(), clock.tickAsync(1000)]));
    expect(error.cause).to.equal(undefined);
    expect(error.message).to.not.include('last connect error');
    engine.release(held);
  });

  it('never lets a user:password in a driver message through', async () => {
    const { engine, factory } = makeEngine({ max: 2, acquireTimeoutMs: 100 });
    const held = await engine.acquire();
    factory.failAlways = true;
    factory.createError = new Error('cannot reach postgres://app:s3cret@db.internal:5432/app');
    const error = await rejectionOf(Promise.all([engine.acquire(), clock.tickAsync(100)]));
    expect(error.message).to.include('last connect error: cannot reach postgres://***@db.internal:5432/app');
    expect(error.message).to.not.include('s3cret');
    engine.destroy(held, 'broken');
    await clock.tickAsync(0);
    const failed = await rejectionOf(Promise.all([engine.acquire(), clock.tickAsync(100)]));
    expect(failed.code).to.equal('UNIPOOL_CONNECT_FAILED');
    expect(failed.message).to.include('cannot reach postgres://***@db.internal:5432/app');
    expect(failed.message).to.not.include('s3cret');
  });

  it('never reports waiting=0 for the caller that is timing out', async () => {
    const { engine } = makeEngine({ max: 1, acquireTimeoutMs: 1000 });
    const held = await engine.acquire();
    const errors = await Promise.all([rejectionOf(engine.acquire()), rejectionOf(engine.acquire()), clock.tickAsync(1000)]);
    expect(errors[0].message).to.include('waiting=2)');
    expect(errors[1].message).to.include('waiting=2)');
    engine.release(held);
  });

  it('still times out when given acquireTimeoutMs 0 (there is no "wait forever")', async () => {
    const { engine } = makeEngine({ max: 1, acquireTimeoutMs: 0 });
    const held = await engine.acquire();
    const waiter = watch(engine.acquire());
    await clock.tickAsync(1);
    const outcome = waiter.settled();
    expect(outcome.state).to.equal('rejected');
    if (outcome.state === 'rejected') expect(outcome.error.message).to.include('timed out after 1 ms');
    engine.release(held);
  });
});
