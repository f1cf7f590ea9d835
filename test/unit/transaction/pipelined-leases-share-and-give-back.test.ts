import { expect } from 'chai';
import type { AdapterResult, PipelineSupport } from '../../../src/adapter.js';
import type { DatabaseCore } from '../../../src/database-core.js';
import type { PooledConnection } from '../../../src/pool/pool-engine.js';
import { MAX_IN_FLIGHT_PER_CONNECTION, MAX_STATEMENTS_PER_LEASE, PipelinedLeases, type WaitingStatement } from '../../../src/transaction/pipelined-leases.js';
import type { QueryResult } from '../../../src/adapter.js';

/** A fake driver connection: statements wait until the test answers them, in order. */
interface FakeRaw {
  readonly name: string;
  readonly waiting: ((result: AdapterResult) => void)[];
  accepts: boolean;
}

const raw = (name: string): FakeRaw => ({ name, waiting: [], accepts: true });
const conn = (r: FakeRaw): PooledConnection<unknown> => ({ raw: r, id: 1, dirty: false }) as unknown as PooledConnection<unknown>;
const ROW: AdapterResult = { rows: [{ n: 1 }], rowCount: 1 };

/** Answers every statement waiting on `r` (each with its own result, as one Sync each would). */
function answerAll(r: FakeRaw): void {
  for (const answer of r.waiting.splice(0)) answer(ROW);
}

function setup(): { leases: PipelinedLeases; released: string[]; engine: { closed: boolean }; broken: Set<unknown> } {
  const released: string[] = [];
  const broken = new Set<unknown>();
  const engine = { closed: false };
  const support: PipelineSupport<unknown> = {
    accepts: (r) => (r as FakeRaw).accepts,
    query: (r) => new Promise((resolve) => (r as FakeRaw).waiting.push(resolve)),
  };
  const core = {
    config: { alias: 'main', engine: 'postgres' },
    engine,
    policy: { release: (c: PooledConnection<unknown>) => void released.push((c.raw as FakeRaw).name), isMarkedBroken: (r: unknown) => broken.has(r) },
    noteResult: () => undefined,
    failure: (_c: unknown, error: unknown) => error,
  } as unknown as DatabaseCore;
  return { leases: new PipelinedLeases(core, support), released, engine, broken };
}

describe('pipelined leases: which lent connection a statement may share, and when it goes back', () => {
  it('gives the connection back once, when the last statement sharing it settles', async () => {
    const { leases, released } = setup();
    const a = raw('a');
    const first = leases.start(conn(a), 'SELECT $1', [1]);
    const joined = [leases.join('SELECT $1', [2]), leases.join('SELECT $1', [3])];
    expect(joined.every((p) => p !== undefined)).to.equal(true);
    expect(a.waiting).to.have.length(3);
    answerAll(a);
    await Promise.all([first, ...joined]);
    expect(released).to.deep.equal(['a']);
    expect(leases.openLeases).to.equal(0);
    // Nothing to join once it went back: the caller waits for a connection instead.
    expect(leases.join('SELECT $1', [4])).to.equal(undefined);
  });

  it('a lease whose connection was marked broken (it broke, or its server turned read-only) takes no more statements; another one does', async () => {
    const { leases, broken, released } = setup();
    const [a, b] = [raw('a'), raw('b')];
    const started = [leases.start(conn(a), 's', [1]), leases.start(conn(b), 's', [1]), leases.join('s', [2])];
    // The join went to one of them; now a is marked (its server turned read-only, say).
    broken.add(a);
    const later = Array.from({ length: 5 }, (_, i) => leases.join('s', [10 + i]));
    expect(later.every((p) => p !== undefined)).to.equal(true);
    expect(b.waiting.length - 1, 'statements joined after the mark, all on b').to.be.at.least(5);
    expect(leases.openLeases).to.equal(1);
    // With b marked too, nothing is left to join: the caller waits for a connection of its own.
    broken.add(b);
    expect(leases.join('s', [99])).to.equal(undefined);
    expect(leases.openLeases).to.equal(0);
    answerAll(a);
    answerAll(b);
    await Promise.all([...started, ...later]);
    expect(released.sort()).to.deep.equal(['a', 'b']);
  });

  it('statements waiting in the pool\'s queue are taken by a lease that opens or gets room, oldest first; one the pool already served is left alone', async () => {
    const { leases } = setup();
    const a = raw('a');
    const waiting = (n: number, inQueue = true): WaitingStatement & { result?: Promise<QueryResult>; left: boolean } => {
      const statement = {
        sql: 's',
        params: [n],
        left: false,
        result: undefined as Promise<QueryResult> | undefined,
        leaveQueue: () => {
          statement.left = inQueue;
          return inQueue;
        },
        joined: (result: Promise<QueryResult>) => void (statement.result = result),
      };
      return statement;
    };
    const queued = [waiting(1), waiting(2, false), waiting(3)];
    for (const statement of queued) leases.waitToJoin(statement);
    expect(leases.waitingStatements).to.equal(3);
    const first = leases.start(conn(a), 's', [0]);
    // 1 and 3 left the pool's queue and run on a; 2 had already been lent a connection.
    expect(queued.map((q) => q.result !== undefined)).to.deep.equal([true, false, true]);
    expect(a.waiting).to.have.length(3);
    expect(leases.waitingStatements).to.equal(0);
    // A full lease takes more once a statement settles.
    const more = Array.from({ length: MAX_IN_FLIGHT_PER_CONNECTION }, (_, i) => leases.join('s', [10 + i])).filter((p) => p !== undefined);
    expect(a.waiting).to.have.length(MAX_IN_FLIGHT_PER_CONNECTION);
    const late = waiting(4);
    leases.waitToJoin(late);
    a.waiting.shift()?.(ROW);
    await first;
    expect(late.result, 'taken once the lease had room').to.not.equal(undefined);
    answerAll(a);
    await Promise.all([queued[0]?.result, queued[2]?.result, late.result, ...more]);
  });

  it('joins the open lease with the fewest statements in flight, among those that accept the statement', async () => {
    const { leases } = setup();
    const [a, b, c] = [raw('a'), raw('b'), raw('c')];
    const all = [leases.start(conn(a), 's', [1]), leases.join('s', [1]), leases.start(conn(b), 's', [1]), leases.start(conn(c), 's', [1])];
    c.accepts = false;
    all.push(leases.join('s', [1]) as Promise<never>);
    expect([a.waiting.length, b.waiting.length, c.waiting.length]).to.deep.equal([2, 2, 1]);
    for (const r of [a, b, c]) answerAll(r);
    c.accepts = true;
    await Promise.all(all);
  });

  it(`takes at most ${MAX_IN_FLIGHT_PER_CONNECTION} statements in flight on one connection`, async () => {
    const { leases } = setup();
    const a = raw('a');
    const all = [leases.start(conn(a), 's', [1])];
    for (let i = 1; i < MAX_IN_FLIGHT_PER_CONNECTION; i++) all.push(leases.join('s', [i]) as Promise<never>);
    expect(leases.join('s', [0])).to.equal(undefined);
    answerAll(a);
    await Promise.all(all);
  });

  it(`stops taking statements after ${MAX_STATEMENTS_PER_LEASE} on one lease, so a busy shared connection still goes back to the pool`, async () => {
    const { leases, released } = setup();
    const a = raw('a');
    const all = [leases.start(conn(a), 's', [1])];
    for (let i = 1; i < MAX_STATEMENTS_PER_LEASE; i++) {
      const joined = leases.join('s', [i]);
      expect(joined, `statement ${i}`).to.not.equal(undefined);
      all.push(joined as Promise<never>);
      // Answer all but the newest, as a busy connection would: the lease never runs empty.
      if (a.waiting.length >= 50) {
        for (const answer of a.waiting.splice(0, 49)) answer(ROW);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    expect(leases.join('s', [0])).to.equal(undefined);
    expect(released).to.deep.equal([]);
    answerAll(a);
    await Promise.all(all);
    expect(released).to.deep.equal(['a']);
  });

  it('lets nothing join once the pool is closing; the lease still goes back when its statements settle (close waits for it)', async () => {
    const { leases, released, engine } = setup();
    const a = raw('a');
    const first = leases.start(conn(a), 's', [1]);
    engine.closed = true;
    expect(leases.join('s', [2])).to.equal(undefined);
    answerAll(a);
    await first;
    expect(released).to.deep.equal(['a']);
  });

  it('a failed statement fails alone: its neighbours resolve, the connection goes back after the last', async () => {
    const released: string[] = [];
    const a = raw('a');
    const answers: ((error: Error | undefined) => void)[] = [];
    const support: PipelineSupport<unknown> = {
      accepts: () => true,
      query: () => new Promise((resolve, reject) => answers.push((error) => (error === undefined ? resolve(ROW) : reject(error)))),
    };
    const core = {
      config: { alias: 'main', engine: 'postgres' },
      engine: { closed: false },
      policy: { release: () => void released.push('a'), isMarkedBroken: () => false },
      noteResult: () => undefined,
      failure: (_c: unknown, error: unknown) => error,
    } as unknown as DatabaseCore;
    const leases = new PipelinedLeases(core, support);
    const all = [leases.start(conn(a), 's', [1]), leases.join('s', [2]), leases.join('s', [3])] as Promise<unknown>[];
    answers[0]?.(undefined);
    answers[1]?.(new Error('division by zero'));
    expect(released).to.deep.equal([]);
    answers[2]?.(undefined);
    const outcomes = await Promise.allSettled(all);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect(released).to.deep.equal(['a']);
  });
});
