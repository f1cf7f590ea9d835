import { expect } from 'chai';
import { UnipoolError } from '../../../src/errors.js';
import { installClock, makeEngine, rejectionOf, type Clock } from './pool-harness.js';
import { withDocsLink } from '../../support/docs-link.js';

describe('pool engine: connectTimeoutMs bounds one connection attempt', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('counts a slow connect as a failure: with no connection open, UNIPOOL_CONNECT_FAILED caused by UNIPOOL_CONNECT_TIMEOUT', async () => {
    const { engine, factory } = makeEngine({ connectTimeoutMs: 1000, acquireTimeoutMs: 1500 });
    factory.createDelayMs = 60_000;
    const error = await rejectionOf(Promise.all([engine.acquire(), clock.tickAsync(1000)]));
    expect(error.code).to.equal('UNIPOOL_CONNECT_FAILED');
    expect(error.cause).to.be.instanceOf(UnipoolError);
    const cause = error.cause as UnipoolError;
    expect(cause.code).to.equal('UNIPOOL_CONNECT_TIMEOUT');
    expect(cause.message).to.equal(
      withDocsLink('UNIPOOL_CONNECT_TIMEOUT', 'unipool: opening a connection for pool "main" took longer than connectTimeoutMs (1000 ms); ' +
        'check that the server is reachable, or raise pool.connectTimeoutMs.'),
    );
    expect(error.message).to.equal(
      withDocsLink('UNIPOOL_CONNECT_FAILED', 'unipool: pool "main" could not open a connection: opening a connection for pool "main" took longer than connectTimeoutMs (1000 ms); ' +
        'check that the server is reachable, or raise pool.connectTimeoutMs. No connection is open and the server does not answer; requests fail fast until it does (see error.cause).'),
    );
    expect(engine.stats().errors).to.be.greaterThan(0);
  });

  it('destroys a connection that arrives after its attempt timed out', async () => {
    const { engine, factory } = makeEngine({ connectTimeoutMs: 1000, acquireTimeoutMs: 1500 });
    factory.createDelayMs = 5000;
    await rejectionOf(Promise.all([engine.acquire(), clock.tickAsync(1500)]));
    await clock.tickAsync(10_000);
    expect(factory.created.length).to.be.greaterThan(0);
    expect(factory.live, 'every late connection was closed').to.equal(0);
    expect(engine.stats().size).to.equal(0);
    expect(engine.stats().created, 'late connections never joined the pool').to.equal(0);
  });

  it('hands out a connection that opens in time', async () => {
    const { engine, factory } = makeEngine({ connectTimeoutMs: 1000 });
    factory.createDelayMs = 999;
    const conn = await Promise.all([engine.acquire(), clock.tickAsync(999)]).then(([c]) => c);
    expect(conn.raw.closed).to.equal(false);
    expect(engine.stats().createMs).to.include({ count: 1, max: 999 });
    engine.release(conn);
  });
});
