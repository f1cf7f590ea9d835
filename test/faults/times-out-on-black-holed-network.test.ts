import { expect } from 'chai';
import { isConnectionError as isMysqlConnectionError } from '../../adapters/mysql/mysql-errors.js';
import { isConnectionError as isPostgresConnectionError } from '../../adapters/postgres/postgres-errors.js';
import { createDatabases, UnipoolError, type Database, type Databases, type PoolStats } from '../../src/index.js';
import { STATEMENT_TIMEOUT_GRACE_MS } from '../../src/statement-timeout.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { Outcomes, errorKind, report } from './support/outcomes.js';
import { expectConsistent, expectQuiet, pause } from './support/pool-invariants.js';
import { holdConnectionsAtOnce } from './support/hold-connections.js';
import { guardProcess } from './support/process-guard.js';
import { ServerSide } from './support/server-side.js';

const MAX = 4;
const ACQUIRE_TIMEOUT_MS = 1500;
const CONNECT_TIMEOUT_MS = 500;
/** The database's statementTimeoutMs in the black-hole scenario: its client backstop ends a statement the network swallowed. */
const STATEMENT_TIMEOUT_MS = 500;
/** When the backstop fires: the limit plus the documented grace. */
const BACKSTOP_MS = STATEMENT_TIMEOUT_MS + STATEMENT_TIMEOUT_GRACE_MS;
const HANG_BOUND_MS = ACQUIRE_TIMEOUT_MS + CONNECT_TIMEOUT_MS + BACKSTOP_MS + 5000;

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`${engine}: black-holed and reset network (TCP proxy)`, function () {
    this.timeout(40_000);
    const guard = guardProcess();
    let side: ServerSide;
    let proxy: TcpProxy;
    let dbs: Databases<'default'> | undefined;
    let db: Database;

    before(async () => {
      side = await ServerSide.open(engine, 'net');
    });
    beforeEach(async () => {
      proxy = new TcpProxy({ host: '127.0.0.1', port: engine === 'postgres' ? 5432 : 3306 });
      await proxy.start();
    });
    /** The same database, reached through the proxy. */
    const openThroughProxy = (extra: Record<string, unknown> = {}): void => {
      const base = side.config({
        pool: { max: MAX, acquireTimeoutMs: ACQUIRE_TIMEOUT_MS, connectTimeoutMs: CONNECT_TIMEOUT_MS, validateAfterIdleMs: 200 },
        ...extra,
      });
      const url = String((base as { url?: string }).url).replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${proxy.port}`);
      dbs = createDatabases({ default: { ...base, url } }, { logger: { warn: () => undefined } });
      db = dbs.default;
    };
    afterEach(async () => {
      proxy.forward();
      await dbs?.close({ timeoutMs: 2000 });
      dbs = undefined;
      await proxy.close();
    });
    after(() => side?.close());

    const isClear = (error: unknown): boolean =>
      error instanceof UnipoolError ? ['UNIPOOL_ACQUIRE_TIMEOUT', 'UNIPOOL_CONNECT_FAILED', 'UNIPOOL_CONNECT_TIMEOUT', 'UNIPOOL_CONNECTION_BROKEN', 'UNIPOOL_STATEMENT_TIMEOUT'].includes(error.code) : engine === 'postgres' ? isPostgresConnectionError(error) : isMysqlConnectionError(error);

    it('times out connects and queries per config while black-holed, keeps its numbers consistent, and recovers', async () => {
      openThroughProxy({ statementTimeoutMs: STATEMENT_TIMEOUT_MS });
      await Promise.all(Array.from({ length: MAX }, () => db.query('SELECT 1 AS one')));
      const samples: PoolStats[] = [];
      const sampler = setInterval(() => samples.push(db.stats()), 25);

      proxy.blackhole();
      // Sent on an idle connection too fresh to be pinged: the query itself meets the black hole.
      const inFlight = new Outcomes();
      const stuck = inFlight.track(() => db.query('SELECT 1 AS one'));
      await pause(300);
      // Every idle connection is now old enough to be pinged on borrow; pings and connects hang.
      const during = new Outcomes();
      await Promise.all(Array.from({ length: 20 }, () => during.track(() => db.query('SELECT 1 AS one'))));
      // With connections still open a caller waits and times out; once the dead ones are gone and
      // none is open, a connect that times out answers every waiter with UNIPOOL_CONNECT_FAILED.
      const answered = (during.examples.get('UNIPOOL_ACQUIRE_TIMEOUT') ?? during.examples.get('UNIPOOL_CONNECT_FAILED')) as Error | undefined;
      const timeoutCause = answered?.cause;

      proxy.forward();
      const resumedAt = performance.now();
      await stuck;
      const after = new Outcomes();
      let recoveredAfterMs = -1;
      while (recoveredAfterMs < 0 && performance.now() - resumedAt < 15_000) {
        if (await after.track(() => db.query('SELECT 1 AS one'))) recoveredAfterMs = performance.now() - resumedAt;
      }
      const verify = new Outcomes();
      await Promise.all(Array.from({ length: 50 }, () => verify.track(() => db.query('SELECT 1 AS one'))));
      clearInterval(sampler);
      const stats = db.stats();
      const counts = await side.settledConnections(() => db.stats().size);

      report(engine, 'black-hole', {
        inFlight: inFlight.ok === 1 ? 'completed-after-resume' : inFlight.errorSummary(),
        during: `${during.ok}/${during.started}`,
        errors: during.errorSummary(),
        cause: timeoutCause === undefined ? 'none' : errorKind(timeoutCause),
        samples: samples.length,
        recoveredAfterMs: Math.round(recoveredAfterMs),
        verify: `${verify.ok}/${verify.started}`,
        slowestMs: Math.round(during.slowestMs),
        inFlightMs: Math.round(inFlight.slowestMs),
        serverConnections: counts.server,
        poolSize: stats.size,
        uncaught: guard.caught.length,
        lost: inFlight.lost + during.lost + after.lost + verify.lost,
      });

      expect(guard.caught, guard.describe()).to.deep.equal([]);
      for (const [i, sample] of samples.entries()) expectConsistent(sample, `sample ${i}`);
      // Nobody got through the black hole; everybody got a clear error in bounded time.
      expect(during.ok).to.equal(0);
      expect(during.unexpected((_, error) => isClear(error))).to.deep.equal([]);
      expect(during.slowestMs, 'a call outlived every timeout (a hang)').to.be.below(HANG_BOUND_MS);
      expect((during.errors.get('UNIPOOL_ACQUIRE_TIMEOUT') ?? 0) + (during.errors.get('UNIPOOL_CONNECT_FAILED') ?? 0), 'callers waiting for a connection').to.be.greaterThan(0);
      // The answer says why no connection came: the connect timed out.
      expect(timeoutCause).to.be.instanceOf(UnipoolError);
      expect((timeoutCause as UnipoolError).code).to.equal('UNIPOOL_CONNECT_TIMEOUT');
      // The statement sent into the black hole ends at statementTimeoutMs plus the grace (the
      // client backstop: the server's own limit cannot answer through a silent network), with
      // UNIPOOL_STATEMENT_TIMEOUT, and its connection is destroyed, not reused.
      expect(inFlight.errorSummary()).to.equal('{UNIPOOL_STATEMENT_TIMEOUT:1}');
      const backstop = inFlight.examples.get('UNIPOOL_STATEMENT_TIMEOUT') as Error;
      expect(backstop.message).to.contain('no answer came from the server in time, so the connection was destroyed');
      if (engine === 'postgres') expect(backstop.cause).to.have.property('message', 'Query read timeout');
      else expect(backstop.cause).to.have.property('code', 'PROTOCOL_SEQUENCE_TIMEOUT');
      expect(inFlight.slowestMs, 'the backstop fired').to.be.at.least(BACKSTOP_MS - 50);
      // Generous: a loaded 2-core box may run the timer late, never early.
      expect(inFlight.slowestMs, 'the backstop fired late').to.be.below(BACKSTOP_MS + 5000);
      expect(recoveredAfterMs, 'the pool never recovered').to.be.at.least(0);
      expect(verify.ok).to.equal(verify.started);
      expectQuiet(stats, 'after the black hole');
      expect(counts.server, `server-side connections of the pool: ${await side.describe()}`).to.equal(counts.pool);
    });

    it('evicts every connection a middlebox resets at once, fails only the busy ones, and serves on', async () => {
      // No statementTimeoutMs: the busy statements must still be running when the reset comes.
      openThroughProxy();
      // All MAX connections open before the reset: a create still connecting would fail instead of
      // being destroyed, and the count below would be one short.
      await holdConnectionsAtOnce(db, MAX, () => db.query('SELECT 1 AS one'));
      const busy = new Outcomes();
      const running = Promise.all(Array.from({ length: 2 }, () => busy.track(() => db.query(side.sleepSql(5)))));
      while ((await side.connections()).filter((conn) => conn.busy).length < 2) await pause(10);
      proxy.dropAll();
      await running;
      // The busy callers learn of the reset in the same instant the idle sockets do; a statement
      // sent before the idle sockets' resets are read would fail like the busy ones (see the docs).
      await pause(20);
      const after = new Outcomes();
      await Promise.all(Array.from({ length: 40 }, () => after.track(() => db.query('SELECT 1 AS one'))));
      const stats = db.stats();
      report(engine, 'network-reset', {
        dropped: proxy.counts.dropped,
        busyFailed: `${busy.failed}/${busy.started}`,
        errors: busy.errorSummary(),
        after: `${after.ok}/${after.started}`,
        destroyed: stats.destroyed,
        uncaught: guard.caught.length,
        lost: busy.lost + after.lost,
      });
      expect(guard.caught, guard.describe()).to.deep.equal([]);
      expect(busy.failed).to.equal(2);
      expect(busy.unexpected((_, error) => isClear(error))).to.deep.equal([]);
      expect(after.ok, after.errorSummary()).to.equal(after.started);
      expect(stats.destroyed).to.be.at.least(MAX);
      expectQuiet(stats, 'after the reset');
    });
  });
}
