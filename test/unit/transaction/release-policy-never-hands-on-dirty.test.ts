import { expect } from 'chai';
import type { Adapter, TransactionState } from '../../../src/adapter.js';
import type { Logger } from '../../../src/logger.js';
import type { DestroyReason, PoolEngine, PooledConnection } from '../../../src/pool/pool-engine.js';
import { ReleasePolicy, type ReleasePoint } from '../../../src/transaction/release-policy.js';

/** A driver connection whose state the test sets; the adapter below reads and changes it. */
interface FakeRaw {
  tx: TransactionState;
  usable: boolean;
  rollbackFails: boolean;
  log: string[];
}

function fakeRaw(overrides: Partial<FakeRaw> = {}): FakeRaw {
  return { tx: 'idle', usable: true, rollbackFails: false, log: [], ...overrides };
}

const adapter = {
  transactionState: (raw: FakeRaw) => raw.tx,
  isUsable: (raw: FakeRaw) => raw.usable,
  isBroken: () => false,
  rollback: async (raw: FakeRaw) => {
    raw.log.push('ROLLBACK');
    if (raw.rollbackFails) throw new Error('rollback failed');
    raw.tx = 'idle';
  },
  reset: async (raw: FakeRaw) => {
    raw.log.push('RESET');
  },
} as unknown as Adapter<unknown>;

function setup(): { policy: ReleasePolicy; outcomes: string[]; warnings: string[] } {
  const outcomes: string[] = [];
  const warnings: string[] = [];
  const engine = {
    release: () => outcomes.push('released'),
    destroy: (_conn: unknown, reason: DestroyReason) => outcomes.push(`destroyed:${reason}`),
  } as unknown as PoolEngine<unknown>;
  const logger: Logger = { warn: (message) => warnings.push(message) };
  return { policy: new ReleasePolicy(adapter, engine, logger, 'main'), outcomes, warnings };
}

function conn(raw: FakeRaw, dirty = false): PooledConnection<unknown> {
  return { raw, id: 1, createdAt: 0, uses: 1, dirty } as PooledConnection<unknown>;
}

describe('release policy: what happens to a connection after a statement or when its holder lets go', () => {
  const cases: ReadonlyArray<readonly [string, Partial<FakeRaw>, boolean, ReleasePoint, string]> = [
    ['a clean idle connection after a statement', {}, false, 'statement', 'give-back'],
    ['a clean idle connection when its block ends', {}, false, 'ended', 'give-back'],
    ['a statement that left a transaction open outside a scope', { tx: 'active' }, false, 'statement', 'roll-back'],
    ['a statement that left a transaction open inside a scope', { tx: 'active' }, false, 'statement-in-scope', 'hold'],
    ['a failed transaction inside a scope', { tx: 'failed' }, false, 'statement-in-scope', 'hold'],
    ["a scope's manual transaction still open", { tx: 'active' }, false, 'scope-statement', 'hold'],
    ["a scope's manual transaction committed", {}, false, 'scope-statement', 'give-back'],
    ['a block ending inside a transaction', { tx: 'active' }, false, 'ended', 'roll-back'],
    ['a connection with session state changed', {}, true, 'statement', 'reset'],
    ['the end of a session, nothing detected', {}, false, 'session-ended', 'reset'],
    ['an unusable connection', { usable: false }, false, 'ended', 'destroy'],
    ['an unusable connection in a scope statement', { usable: false }, false, 'statement-in-scope', 'destroy'],
    ['a lent client released with an error', {}, false, 'discarded', 'destroy'],
  ];
  for (const [what, raw, dirty, point, expected] of cases) {
    it(`${what}: ${expected}`, () => {
      const { policy } = setup();
      expect(policy.decide(conn(fakeRaw(raw), dirty), point)).to.equal(expected);
    });
  }

  it('gives a clean connection back synchronously (no promise on the hot path)', () => {
    const { policy, outcomes } = setup();
    expect(policy.release(conn(fakeRaw()), 'statement')).to.equal(undefined);
    expect(outcomes).to.deep.equal(['released']);
  });

  it('rolls back, then gives back, a connection left in a transaction', async () => {
    const { policy, outcomes } = setup();
    const raw = fakeRaw({ tx: 'active' });
    await policy.release(conn(raw), 'ended');
    expect(raw.log).to.deep.equal(['ROLLBACK']);
    expect(outcomes).to.deep.equal(['released']);
  });

  it('rolls back and resets at the end of a session left in a transaction', async () => {
    const { policy, outcomes } = setup();
    const raw = fakeRaw({ tx: 'active' });
    await policy.release(conn(raw), 'session-ended');
    expect(raw.log).to.deep.equal(['ROLLBACK', 'RESET']);
    expect(outcomes).to.deep.equal(['released']);
  });

  it('resets a dirty connection and clears its dirty bit before giving it back', async () => {
    const { policy, outcomes } = setup();
    const c = conn(fakeRaw(), true);
    await policy.release(c, 'statement');
    expect((c.raw as FakeRaw).log).to.deep.equal(['RESET']);
    expect(c.dirty).to.equal(false);
    expect(outcomes).to.deep.equal(['released']);
  });

  it('destroys a connection whose rollback fails, with a warning naming the pool', async () => {
    const { policy, outcomes, warnings } = setup();
    await policy.release(conn(fakeRaw({ tx: 'active', rollbackFails: true })), 'ended');
    expect(outcomes).to.deep.equal(['destroyed:bad-state']);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/pool "main": a connection could not be cleaned before reuse and was destroyed: rollback failed/);
  });

  it('destroys a connection reported broken instead of sending anything on it', async () => {
    const { policy, outcomes } = setup();
    const raw = fakeRaw({ tx: 'active' });
    policy.markBroken(raw);
    await policy.release(conn(raw), 'ended');
    expect(raw.log).to.deep.equal([]);
    expect(outcomes).to.deep.equal(['destroyed:broken']);
  });

  it('refuses a broken connection the pool lends, so the caller acquires another', () => {
    const { policy, outcomes } = setup();
    const raw = fakeRaw();
    expect(policy.keepLent(conn(raw))).to.equal(true);
    policy.markBroken(raw);
    expect(policy.keepLent(conn(raw))).to.equal(false);
    expect(outcomes).to.deep.equal(['destroyed:broken']);
  });
});
