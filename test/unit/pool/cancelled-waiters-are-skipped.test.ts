import { expect } from 'chai';
import type { AcquireTicket, PooledConnection } from '../../../src/pool/pool-engine.js';
import type { FakeConnection } from '../../support/fake-factory.js';
import { installClock, makeEngine, type Clock } from './pool-harness.js';

/** A caller of `acquireWith()`: what it was handed, or why it failed, and its ticket. */
function caller(engine: ReturnType<typeof makeEngine>['engine']): { ticket: AcquireTicket | undefined; lent: PooledConnection<FakeConnection>[]; failed: unknown[] } {
  const lent: PooledConnection<FakeConnection>[] = [];
  const failed: unknown[] = [];
  const ticket = engine.acquireWith!((conn) => lent.push(conn), (error) => failed.push(error)) ?? undefined;
  return { ticket, lent, failed };
}

describe('pool engine: a caller that leaves the queue (acquireWith ticket)', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('is never served nor failed; the connection goes to the next caller, and waiting counts only those still queued', async () => {
    const { engine } = makeEngine({ max: 1 });
    const held = await engine.acquire();
    const [a, b, c] = [caller(engine), caller(engine), caller(engine)];
    expect(engine.stats().waiting).to.equal(3);
    expect(b.ticket?.cancel()).to.equal(true);
    expect(b.ticket?.cancel(), 'a second cancel').to.equal(false);
    expect(engine.stats().waiting).to.equal(2);
    engine.release(held);
    expect(a.lent).to.have.length(1);
    engine.release(a.lent[0]!);
    expect(b.lent, 'the cancelled caller').to.deep.equal([]);
    expect(c.lent).to.have.length(1);
    engine.release(c.lent[0]!);
    expect(engine.stats()).to.include({ waiting: 0, inUse: 0, acquired: 3 });
    expect(b.failed).to.deep.equal([]);
  });

  it('cannot leave once served: cancel() answers false', async () => {
    const { engine } = makeEngine({ max: 1 });
    const held = await engine.acquire();
    const a = caller(engine);
    engine.release(held);
    expect(a.lent).to.have.length(1);
    expect(a.ticket?.cancel()).to.equal(false);
    engine.release(a.lent[0]!);
  });

  it('is not failed by the acquire timeout or close(); the queue keeps no timer once only cancelled callers are left', async () => {
    const { engine } = makeEngine({ max: 1, acquireTimeoutMs: 1000 });
    const held = await engine.acquire();
    const timersBefore = clock.countTimers();
    const [a, b] = [caller(engine), caller(engine)];
    expect(a.ticket?.cancel()).to.equal(true);
    expect(b.ticket?.cancel()).to.equal(true);
    expect(clock.countTimers(), 'timers').to.equal(timersBefore);
    await clock.tickAsync(2000);
    expect(a.failed).to.deep.equal([]);
    const c = caller(engine);
    await clock.tickAsync(2000);
    expect(c.failed, 'a live caller still times out').to.have.length(1);
    engine.release(held);
    const d = caller(engine);
    expect(d.ticket, 'served at once: no ticket').to.equal(undefined);
    engine.release(d.lent[0]!);
    await engine.close();
    expect(b.failed).to.deep.equal([]);
  });
});
