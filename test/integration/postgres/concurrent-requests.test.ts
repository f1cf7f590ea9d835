import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { sleep } from '../../support/engines.js';
import type { Database, Databases } from '../../../src/index.js';
import { closePoolsAfterEach, openPool, useServerView } from './server-view.js';

// The benchmark's W2, the motivating case, as a test: 200 concurrent request scopes, each a query, a 50 ms
// await (an outside call) and a query, on a pool of max 5. The numbers are printed for the docs; only
// structure is asserted (no wall-clock times: the machine is shared and noisy).

const REQUESTS = 200;
const MAX = 5;
const AWAIT_MS = 50;

interface RunNumbers {
  readonly label: string;
  readonly ok: number;
  readonly timeouts: number;
  readonly wallMs: number;
  readonly reqPerSec: number;
  readonly peakInUse: number;
  readonly peakWaiting: number;
  /** Requests inside their 50 ms await at the same time. */
  readonly peakAwaiting: number;
  readonly backends: number;
  readonly acquired: number;
  readonly waitP99Ms: number;
  /** The message of the first acquire timeout, if any. */
  readonly timeoutMessage: string | undefined;
}

async function run(label: string, dbs: Databases<'default'>, db: Database, serverBackends: () => Promise<number>): Promise<RunNumbers> {
  // Open the pool's MAX connections first so both modes start warm.
  await Promise.all(Array.from({ length: MAX }, () => db.session(() => db.query('SELECT 1'))));
  const acquiredBefore = db.stats().acquired;
  let peakInUse = 0;
  let peakWaiting = 0;
  let awaiting = 0;
  let peakAwaiting = 0;
  const sample = (): void => {
    const { inUse, waiting } = db.stats();
    peakInUse = Math.max(peakInUse, inUse);
    peakWaiting = Math.max(peakWaiting, waiting);
  };
  const sampler = setInterval(sample, 1);
  sampler.unref();

  const request = (i: number): Promise<void> =>
    dbs.scope(async () => {
      sample();
      await db.query('SELECT $1::int AS request, 1 AS step', [i]);
      sample();
      awaiting++;
      peakAwaiting = Math.max(peakAwaiting, awaiting);
      await sleep(AWAIT_MS);
      awaiting--;
      sample();
      await db.query('SELECT $1::int AS request, 2 AS step', [i]);
      sample();
    });

  const started = performance.now();
  const outcomes = await Promise.allSettled(Array.from({ length: REQUESTS }, (_, i) => request(i)));
  const wallMs = performance.now() - started;
  clearInterval(sampler);

  const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => (o.reason as { code?: string }).code);
  const unexpected = failures.filter((code) => code !== 'UNIPOOL_ACQUIRE_TIMEOUT');
  expect(unexpected, 'only acquire timeouts may fail a request').to.deep.equal([]);
  const ok = REQUESTS - failures.length;
  const firstFailure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  return {
    label,
    ok,
    timeouts: failures.length,
    wallMs: Math.round(wallMs),
    reqPerSec: Math.round((ok / wallMs) * 1000),
    peakInUse,
    peakWaiting,
    peakAwaiting,
    backends: await serverBackends(),
    acquired: db.stats().acquired - acquiredBefore,
    waitP99Ms: Math.round(db.stats().waitMs.p99),
    timeoutMessage: (firstFailure?.reason as Error | undefined)?.message,
  };
}

describe(`postgres: ${REQUESTS} concurrent scoped requests (query, ${AWAIT_MS} ms await, query) on max ${MAX}`, () => {
  closePoolsAfterEach();
  const server = useServerView();
  const table: RunNumbers[] = [];

  after(() => {
    console.log(`\n    ${REQUESTS} requests × (query, ${AWAIT_MS} ms await, query), pool max ${MAX}:`);
    console.table(
      table.map((r) => ({
        mode: r.label,
        'ok': r.ok,
        'timeouts': r.timeouts,
        'wall ms': r.wallMs,
        'req/s': r.reqPerSec,
        'peak inUse': r.peakInUse,
        'peak waiting': r.peakWaiting,
        'peak in await': r.peakAwaiting,
        'wait p99 ms': r.waitP99Ms,
        'acquires': r.acquired,
        'server backends': r.backends,
      })),
    );
  });

  it('asap: every request succeeds without an acquire timeout; the awaits overlap far beyond max', async () => {
    const { dbs, db, name } = openPool({ pool: { max: MAX, acquireTimeoutMs: 10_000 } });
    const numbers = await run('asap', dbs, db, async () => (await server().backends(name)).length);
    table.push(numbers);
    console.log(`      asap: ${JSON.stringify({ ...numbers, timeoutMessage: undefined })}`);
    expect(numbers.ok).to.equal(REQUESTS);
    expect(numbers.timeouts).to.equal(0);
    expect(db.stats().timeouts).to.equal(0);
    expect(numbers.peakInUse).to.be.at.most(MAX);
    expect(numbers.backends).to.be.at.most(MAX);
    // Each request borrows (at most) twice and holds nothing while it awaits; with pipelining (on by
    // default) statements that arrive together may share one checkout, so there can be fewer.
    expect(numbers.acquired).to.be.at.most(2 * REQUESTS);
    expect(numbers.peakAwaiting).to.be.greaterThan(MAX);
    expect(db.stats().inUse).to.equal(0);
  });

  it('request: one connection per request for its whole life, so requests queue — at most max are ever in their await', async () => {
    const { dbs, db, name } = openPool({ release: 'request', pool: { max: MAX, acquireTimeoutMs: 10_000 } });
    const numbers = await run('request', dbs, db, async () => (await server().backends(name)).length);
    table.push(numbers);
    console.log(`      request: ${JSON.stringify({ ...numbers, timeoutMessage: undefined })}`);
    expect(numbers.ok + numbers.timeouts).to.equal(REQUESTS);
    expect(numbers.peakInUse).to.equal(MAX);
    expect(numbers.peakAwaiting).to.be.at.most(MAX);
    expect(numbers.peakWaiting).to.be.greaterThan(REQUESTS / 2);
    expect(numbers.acquired).to.equal(REQUESTS);
    expect(db.stats().inUse).to.equal(0);
  });

  it('request with acquireTimeoutMs 1000: the plain-pool behaviour turns the same load into timeouts (numbers only)', async () => {
    const { dbs, db, name } = openPool({ release: 'request', pool: { max: MAX, acquireTimeoutMs: 1000 } });
    const numbers = await run('request, 1 s timeout', dbs, db, async () => (await server().backends(name)).length);
    table.push(numbers);
    console.log(`      request, 1 s timeout: ${JSON.stringify({ ...numbers, timeoutMessage: undefined })}`);
    expect(numbers.ok + numbers.timeouts).to.equal(REQUESTS);
    expect(db.stats().timeouts).to.equal(numbers.timeouts);
    if (numbers.timeouts > 0) {
      expect(numbers.timeoutMessage).to.match(/^unipool: timed out after 1000 ms waiting for a connection from pool "default" \(size=5 inUse=5 idle=0 waiting=\d+\)\. Every connection stayed busy: raise pool\.max or pool\.acquireTimeoutMs, or find what holds connections too long \(stats\(\)\.holdMs, pool\.leakDetectionMs\)\.\nSee \S+\/reference\/errors#unipool_acquire_timeout$/);
    }
    expect(db.stats().inUse).to.equal(0);
  });
});
