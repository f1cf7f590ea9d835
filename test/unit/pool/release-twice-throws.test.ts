import { expect } from 'chai';
import { UnipoolError } from '../../../src/errors.js';
import { PooledConnection } from '../../../src/pool/pooled-connection.js';
import type { FakeConnection } from '../../support/fake-factory.js';
import { installClock, makeEngine, type Clock } from './pool-harness.js';
import { withDocsLink } from '../../support/docs-link.js';

describe('pool engine: release and destroy of a checked-out connection', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('throws UNIPOOL_LEASE_RELEASED on a second release', async () => {
    const { engine } = makeEngine();
    const conn = await engine.acquire();
    engine.release(conn);
    let thrown: unknown;
    try {
      engine.release(conn);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(UnipoolError);
    expect((thrown as UnipoolError).code).to.equal('UNIPOOL_LEASE_RELEASED');
    expect((thrown as UnipoolError).message).to.equal(
      withDocsLink('UNIPOOL_LEASE_RELEASED', 'unipool: release() of connection #1 of pool "main", which is not checked out (already released or destroyed). Release each connection exactly once.'),
    );
    expect(engine.stats()).to.include({ released: 1, idle: 1, size: 1 });
  });

  it('throws UNIPOOL_LEASE_RELEASED on destroy after release, and on release after destroy', async () => {
    const { engine } = makeEngine();
    const a = await engine.acquire();
    engine.release(a);
    expect(() => engine.destroy(a, 'broken')).to.throw(UnipoolError, /destroy\(\) of connection #1/);
    const b = await engine.acquire();
    engine.destroy(b, 'broken');
    expect(() => engine.release(b)).to.throw(UnipoolError, /release\(\) of connection #1/);
  });

  it('destroys a connection released still dirty rather than lend it to the next caller', async () => {
    const { engine, destroyReasons } = makeEngine();
    const conn = await engine.acquire();
    conn.dirty = true;
    engine.release(conn);
    expect(destroyReasons()).to.deep.equal(['bad-state']);
    const next = await engine.acquire();
    expect(next.id).to.not.equal(conn.id);
    engine.release(next);
  });

  it('destroy() removes a checked-out connection with the given reason', async () => {
    const { engine, destroyReasons, factory } = makeEngine();
    const conn = await engine.acquire();
    engine.destroy(conn, 'bad-state');
    await clock.tickAsync(0);
    expect(destroyReasons()).to.deep.equal(['bad-state']);
    expect(factory.live).to.equal(0);
    expect(engine.stats()).to.include({ size: 0, inUse: 0 });
  });

  it('refuses a connection that this pool did not lend', async () => {
    const one = makeEngine();
    const other = makeEngine();
    const conn = await other.engine.acquire();
    expect(() => one.engine.release(conn)).to.throw(UnipoolError, 'release() on pool "main" received something that is not a connection acquired from this pool');
    const fake = new PooledConnection<FakeConnection>({}, conn.raw, 1, 0, Number.POSITIVE_INFINITY);
    expect(() => other.engine.destroy(fake, 'broken')).to.throw(UnipoolError).with.property('code', 'UNIPOOL_INVALID_ARGUMENT');
    other.engine.release(conn);
  });
});
