import { expect } from 'chai';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DiagnosticsObserver } from '../../../src/metrics/diagnostics-observer.js';
import { PooledConnection } from '../../../src/pool/pooled-connection.js';

function observer(): { observer: DiagnosticsObserver; reads: () => number; warnings: string[] } {
  let reads = 0;
  const warnings: string[] = [];
  const built = new DiagnosticsObserver({
    alias: 'default',
    engine: 'postgres',
    acquireTimeoutMs: 1000,
    leakDetectionMs: 500,
    logger: { warn: (message) => warnings.push(message) },
    numbers: () => {
      reads += 1;
      return { size: 3, inUse: 3, idle: 0, waiting: 4 };
    },
  });
  return { observer: built, reads: () => reads, warnings };
}

const conn = new PooledConnection<unknown>({}, {}, 7, 0, Number.POSITIVE_INFINITY);

describe('metrics: the diagnostics observer', () => {
  it('does no work for a timeout nobody listens to, and reads the pool numbers for a subscriber', () => {
    const { observer: o, reads } = observer();
    o.timedOut(new Error('timed out'));
    expect(reads()).to.equal(0);

    const messages: unknown[] = [];
    const handler = (message: unknown): void => {
      messages.push(message);
    };
    subscribe('unipool:timeout', handler);
    try {
      const error = new Error('timed out');
      o.timedOut(error);
      expect(reads()).to.equal(1);
      expect(messages).to.deep.equal([{ alias: 'default', engine: 'postgres', acquireTimeoutMs: 1000, size: 3, inUse: 3, idle: 0, waiting: 4, error }]);
    } finally {
      unsubscribe('unipool:timeout', handler);
    }
  });

  it('logs a leak even with no subscriber, never reporting less than the threshold', () => {
    const { observer: o, warnings } = observer();
    o.leaked(conn, 499.6, 'LeaseAcquired: x\n    at handler (/app/routes.ts:3:9)');
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/^unipool: pool "default": a connection has been checked out for 500 ms \(leakDetectionMs=500\); it was acquired at:\n {4}at handler \(\/app\/routes\.ts:3:9\)\n/);
  });

  it("a subscriber that throws does not throw into the pool (Node reports it on the next tick)", async () => {
    const { observer: o } = observer();
    const handler = (): void => {
      throw new Error('subscriber bug');
    };
    const uncaught = new Promise<Error>((resolve) => process.prependOnceListener('uncaughtException', resolve));
    // Mocha installs its own uncaughtException handler; take the next one ourselves.
    const listeners = process.listeners('uncaughtException').slice(1);
    for (const listener of listeners) process.removeListener('uncaughtException', listener);
    subscribe('unipool:acquire', handler);
    try {
      expect(() => o.acquired(conn, 1)).to.not.throw();
      expect((await uncaught).message).to.equal('subscriber bug');
    } finally {
      unsubscribe('unipool:acquire', handler);
      for (const listener of listeners) process.on('uncaughtException', listener);
    }
  });
});
