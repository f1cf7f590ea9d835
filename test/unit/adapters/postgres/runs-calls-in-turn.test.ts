import { expect } from 'chai';
import { connectionState, inTurn, takeTurn } from '../../../../adapters/postgres/postgres-connection-state.js';
import type { PgClient } from '../../../../adapters/postgres/postgres-driver-types.js';

const fakeClient = (): PgClient => ({}) as PgClient;

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('postgres adapter: one call at a time per client', () => {
  it('starts the first call at once and the next only after it settled, in order', async () => {
    const client = fakeClient();
    const log: string[] = [];
    const first = deferred();
    const a = inTurn(client, async () => {
      log.push('a start');
      await first.promise;
      log.push('a end');
    });
    const b = inTurn(client, async () => void log.push('b'));
    const c = inTurn(client, async () => void log.push('c'));
    expect(log).to.deep.equal(['a start']);
    expect(connectionState(client).pending).to.equal(3);
    first.resolve();
    await Promise.all([a, b, c]);
    expect(log).to.deep.equal(['a start', 'a end', 'b', 'c']);
    expect(connectionState(client).pending).to.equal(0);
  });

  it('moves on after a failed call and passes its error to that caller only', async () => {
    const client = fakeClient();
    const failing = inTurn(client, () => Promise.reject(new Error('syntax error')));
    const next = inTurn(client, async () => 'ok');
    const error = await failing.then(
      () => null,
      (caught: Error) => caught,
    );
    expect(error?.message).to.equal('syntax error');
    expect(await next).to.equal('ok');
    expect(connectionState(client).pending).to.equal(0);
  });

  it('holds a taken turn until done() is called (a stream until its cursor closes)', async () => {
    const client = fakeClient();
    let done!: () => void;
    await takeTurn(client, async (finish) => {
      done = finish;
    });
    let ran = false;
    const waiting = inTurn(client, async () => {
      ran = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).to.equal(false);
    done();
    done();
    await waiting;
    expect(ran).to.equal(true);
    expect(connectionState(client).pending).to.equal(0);
  });
});
