import { expect } from 'chai';
import { PgStatementCache } from '../../../../adapters/postgres/postgres-statement-cache.js';
import type { PgClient } from '../../../../adapters/postgres/postgres-driver-types.js';

/** Just what the cache reads of a client: its transaction status and pg's record of parsed statements. */
function fakeClient(): PgClient {
  return { getTransactionStatus: () => 'I', connection: { parsedStatements: {}, submittedNamedStatements: {} } } as unknown as PgClient;
}

describe('postgres statement cache: what it learns for pipelining', () => {
  it('vouches for a cached statement only after a clean run alone, and never after an unclean one', () => {
    const client = fakeClient();
    const cache = new PgStatementCache(10, false, true);
    const name = cache.nameFor(client, 'SELECT $1') as string;
    expect(cache.pipelinedName('SELECT $1'), 'cached, not yet learned').to.equal(undefined);
    cache.learned(name, true);
    expect(cache.pipelinedName('SELECT $1')).to.equal(name);
    cache.learned(name, false);
    expect(cache.pipelinedName('SELECT $1')).to.equal(undefined);
    cache.learned(name, true);
    expect(cache.pipelinedName('SELECT $1'), 'one unclean run rules it out while cached').to.equal(undefined);
  });

  it('forgets what it learned when the entry goes: evicted, stale, or everything dropped', () => {
    const client = fakeClient();
    const cache = new PgStatementCache(1, false, true);
    const first = cache.nameFor(client, 'SELECT 1 + $1') as string;
    cache.learned(first, true);
    cache.nameFor(client, 'SELECT 2 + $1'); // evicts the first
    expect(cache.pipelinedName('SELECT 1 + $1')).to.equal(undefined);
    // Cached again, it must run alone once more before it is pipelined.
    expect(cache.nameFor(client, 'SELECT 1 + $1')).to.equal(first);
    expect(cache.pipelinedName('SELECT 1 + $1')).to.equal(undefined);

    const other = new PgStatementCache(10, false, true);
    const stale = other.nameFor(client, 'SELECT a FROM t WHERE id = $1') as string;
    other.learned(stale, true);
    expect(other.isStale(client, 'SELECT a FROM t WHERE id = $1', stale, Object.assign(new Error('cached plan must not change result type'), { code: '0A000' }))).to.equal(true);
    expect(other.pipelinedName('SELECT a FROM t WHERE id = $1')).to.equal(undefined);

    const cleared = new PgStatementCache(10, false, true);
    const kept = cleared.nameFor(client, 'SELECT $1') as string;
    cleared.learned(kept, true);
    cleared.clear();
    expect(cleared.pipelinedName('SELECT $1')).to.equal(undefined);
  });

  it('learns nothing with pipelining off', () => {
    const client = fakeClient();
    const cache = new PgStatementCache(10, false);
    expect(cache.learnsPipelining).to.equal(false);
    const name = cache.nameFor(client, 'SELECT $1') as string;
    cache.learned(name, true);
    expect(cache.pipelinedName('SELECT $1')).to.equal(undefined);
  });
});
