import { expect } from 'chai';
import type { Database } from '../../../src/database.js';
import type { DatabaseCore } from '../../../src/database-core.js';
import { UnipoolError } from '../../../src/errors.js';
import { ReplicaMember } from '../../../src/replicas/replica-member.js';
import { ReplicaRouter } from '../../../src/replicas/replica-router.js';

type Answer = { rows: { from: string }[] } | Error;

/** A stand-in database that answers each query from a script, and records who was asked. */
function fakeDb(name: string, calls: string[], answers: Answer[] = []): Database {
  const next = (): Answer => answers.shift() ?? { rows: [{ from: name }] };
  return {
    query: async () => {
      calls.push(`${name}.query`);
      const answer = next();
      if (answer instanceof Error) throw answer;
      return { ...answer, rowCount: answer.rows.length };
    },
    stream: (_sql: string) => ({
      async *[Symbol.asyncIterator]() {
        calls.push(`${name}.stream`);
        const answer = next();
        if (answer instanceof Error) throw answer;
        yield* answer.rows;
        const after = answers.shift();
        if (after instanceof Error) throw after;
      },
    }),
    atomic: async (_options: unknown, fn: () => unknown) => {
      calls.push(`${name}.atomic`);
      const answer = next();
      if (answer instanceof Error) throw answer;
      return fn();
    },
  } as unknown as Database;
}

function fakeCore(warnings: string[] = []): DatabaseCore {
  return {
    config: { alias: 'default' },
    adapter: { capabilities: { readOnlyTransactions: true } },
    logger: { warn: (message: string) => warnings.push(message) },
    // The background probe: the replica stays unreachable.
    acquire: () => Promise.reject(new UnipoolError('UNIPOOL_CONNECT_FAILED', 'still down')),
  } as unknown as DatabaseCore;
}

const down = (): UnipoolError => new UnipoolError('UNIPOOL_CONNECTION_BROKEN', 'the connection broke');

describe('replicas: a read that meets a down replica is retried once', () => {
  let now = 0;
  const clock = (): number => now;

  function router(replicaAnswers: Answer[][], primaryAnswers: Answer[] = []) {
    const calls: string[] = [];
    const warnings: string[] = [];
    const members = replicaAnswers.map((answers, i) => new ReplicaMember(fakeDb(`r${i}`, calls, answers), fakeCore(warnings), `r${i}:5432`, clock, () => 0));
    return { calls, warnings, members, router: new ReplicaRouter(fakeDb('primary', calls, primaryAnswers), fakeCore(), members) };
  }

  beforeEach(() => {
    now = 0;
  });

  it('goes round-robin; a read whose replica fails is retried on the other one, which then takes every read', async () => {
    const { router: r, calls, members, warnings } = router([[], [down()]]);
    const from = async (): Promise<string | undefined> => (await r.query<{ from: string }>('SELECT 1')).rows[0]?.from;
    // The second read's turn is r1, which fails: it is answered by r0, and so is every read after it.
    expect([await from(), await from(), await from()]).to.deep.equal(['r0', 'r0', 'r0']);
    expect(calls).to.deep.equal(['r0.query', 'r1.query', 'r0.query', 'r0.query']);
    expect(members[1]?.health).to.include({ healthy: false, downs: 1 });
    expect(warnings).to.deep.equal(['unipool: pool "default": replica r1:5432 is down (the connection broke); reads go to the other replicas or the primary, next probe in 1000 ms']);
  });

  it('falls back to the primary when no replica is left, and a second failure is the caller\'s', async () => {
    const { router: r, calls } = router([[down()]], [down()]);
    const error = await r.query('SELECT 1').catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(UnipoolError).and.to.include({ code: 'UNIPOOL_CONNECTION_BROKEN' });
    expect(calls).to.deep.equal(['r0.query', 'primary.query']);
  });

  it('does not retry or mark down for an error the statement caused', async () => {
    const syntax = Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' });
    const { router: r, calls, members } = router([[syntax]]);
    expect(await r.query('SELEC 1').catch((caught: unknown) => caught)).to.equal(syntax);
    expect(calls).to.deep.equal(['r0.query']);
    expect(members[0]?.health.healthy).to.equal(true);
  });

  it('retries a stream only before its first row', async () => {
    const before = router([[down()]]);
    const rows: unknown[] = [];
    for await (const row of before.router.stream('SELECT 1')) rows.push(row);
    expect(rows).to.deep.equal([{ from: 'primary' }]);
    expect(before.calls).to.deep.equal(['r0.stream', 'primary.stream']);

    const after = router([[{ rows: [{ from: 'r0' }] }, down()]]);
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const row of after.router.stream('SELECT 1')) seen.push(row);
    })().catch((caught: unknown) => caught);
    expect(seen).to.deep.equal([{ from: 'r0' }]);
    expect(error).to.include({ code: 'UNIPOOL_CONNECTION_BROKEN' });
    expect(after.calls).to.deep.equal(['r0.stream']);
    expect(after.members[0]?.health.healthy, 'marked down all the same').to.equal(false);
  });

  it('starts one background probe once the back-off has ended, and keeps reads away until it succeeds', async () => {
    const { router: r, calls, members } = router([[down()]]);
    await r.query('SELECT 1');
    now = 999;
    await r.query('SELECT 1');
    now = 1000;
    await r.query('SELECT 1');
    await r.query('SELECT 1');
    expect(calls).to.deep.equal(['r0.query', 'primary.query', 'primary.query', 'primary.query', 'primary.query']);
    await new Promise((resolve) => setImmediate(resolve));
    // The probe failed (fakeCore's acquire rejects): down for the next, doubled back-off.
    expect(members[0]?.health.probeDue(2999)).to.equal(false);
    expect(members[0]?.health.probeDue(3000)).to.equal(true);
  });

  it('refuses readOnly: false and a missing function, and defaults atomic() to read-only', async () => {
    const { router: r } = router([[]]);
    expect(await r.atomic({ readOnly: false }, () => 1).catch((caught: { code?: string }) => caught.code)).to.equal('UNIPOOL_INVALID_ARGUMENT');
    expect(await r.atomic(undefined as never).catch((caught: { code?: string }) => caught.code)).to.equal('UNIPOOL_INVALID_ARGUMENT');
    expect(await r.atomic(() => 'ran')).to.equal('ran');
  });
});
