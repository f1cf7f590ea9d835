import { expect } from 'chai';
import { isConnectionError as isMysqlConnectionError } from '../../adapters/mysql/mysql-errors.js';
import { isConnectionError as isPostgresConnectionError } from '../../adapters/postgres/postgres-errors.js';
import { createDatabases, UnipoolError, type Database, type Databases } from '../../src/index.js';
import { Outcomes, errorKind, report } from './support/outcomes.js';
import { expectQuiet, pause } from './support/pool-invariants.js';
import { holdConnectionsAtOnce } from './support/hold-connections.js';
import { guardProcess } from './support/process-guard.js';
import { ServerSide } from './support/server-side.js';

const POOL_SIZE = 5;

/** A connection error as the caller sees it: unipool's code, or the driver's own connection error. */
function isConnectionFailure(engine: 'postgres' | 'mysql', error: unknown): boolean {
  if (error instanceof UnipoolError) return error.code === 'UNIPOOL_CONNECTION_BROKEN';
  return engine === 'postgres' ? isPostgresConnectionError(error) : isMysqlConnectionError(error);
}

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`${engine}: connections killed by the server`, function () {
    this.timeout(30_000);
    const guard = guardProcess();
    let side: ServerSide;
    let dbs: Databases<'default'>;
    let db: Database;
    const warnings: string[] = [];

    before(async () => {
      side = await ServerSide.open(engine, 'kill');
    });
    beforeEach(() => {
      warnings.length = 0;
      dbs = createDatabases({ default: side.config({ pool: { max: POOL_SIZE, acquireTimeoutMs: 5000 } }) }, { logger: { warn: (message) => void warnings.push(message) } });
      db = dbs.default;
    });
    afterEach(() => dbs.close({ timeoutMs: 2000 }));
    after(() => side?.close());

    /** Opens `n` connections at once and answers their server-side ids (distinct: each session holds its own); all idle when it resolves. */
    const openConnections = (n: number): Promise<number[]> =>
      holdConnectionsAtOnce(db, n, async () => Number((await db.query<{ id: number }>(side.backendIdSql)).rows[0]?.id));

    it('evicts idle connections the server killed, without an uncaught error, and keeps serving', async () => {
      const ids = await openConnections(POOL_SIZE);
      expect(new Set(ids).size).to.equal(POOL_SIZE);
      for (const id of ids) await side.kill(id);
      await side.untilGone(ids);
      // The server has closed them; give the drivers a moment to read the close (their `error` events).
      await pause(50);
      const work = new Outcomes();
      await Promise.all(Array.from({ length: 50 }, (_, i) => work.track(async () => {
        const { rows } = await db.query<{ n: number }>(engine === 'postgres' ? 'SELECT $1::int AS n' : 'SELECT ? + 0 AS n', [i]);
        expect(Number(rows[0]?.n)).to.equal(i);
      })));
      const stats = db.stats();
      const counts = await side.settledConnections(() => db.stats().size);
      report(engine, 'kill-idle', { killed: ids.length, ops: work.started, ok: work.ok, errors: work.errorSummary(), destroyed: stats.destroyed, poolSize: stats.size, serverConnections: counts.server, uncaught: guard.caught.length, lost: work.lost });
      expect(guard.caught, guard.describe()).to.deep.equal([]);
      expect(work.unexpected(() => false), 'a killed idle connection was handed out').to.deep.equal([]);
      expect(stats.destroyed).to.be.at.least(POOL_SIZE);
      expect(counts.server, `server-side connections of the pool: ${await side.describe()}`).to.equal(counts.pool);
      expectQuiet(stats, 'after the kills');
    });

    it('fails only the statement whose connection is killed while busy; the others and the pool carry on', async () => {
      const sessions = Array.from({ length: 3 }, () =>
        db.session(async () => {
          const { rows } = await db.query<{ id: number }>(side.backendIdSql);
          const id = Number(rows[0]?.id);
          const sleeping = db.query(side.sleepSql(30)).then(
            () => null,
            (error: unknown) => error,
          );
          await side.untilBusy(id);
          await side.kill(id);
          return sleeping;
        }),
      );
      // Meanwhile other callers use the remaining connections.
      const bystanders = new Outcomes();
      const others = Promise.all(Array.from({ length: 40 }, () => bystanders.track(() => db.query('SELECT 1 AS one'))));
      const failures = await Promise.all(sessions);
      await others;
      const after = new Outcomes();
      await Promise.all(Array.from({ length: 20 }, () => after.track(() => db.query('SELECT 1 AS one'))));
      const stats = db.stats();
      report(engine, 'kill-busy', {
        killed: failures.length,
        failedWith: [...new Set(failures.map(errorKind))].join('|'),
        bystanders: `${bystanders.ok}/${bystanders.started}`,
        after: `${after.ok}/${after.started}`,
        created: stats.created,
        destroyed: stats.destroyed,
        poolSize: stats.size,
        uncaught: guard.caught.length,
        lost: bystanders.lost + after.lost,
      });
      expect(guard.caught, guard.describe()).to.deep.equal([]);
      for (const failure of failures) {
        expect(failure, 'the killed statement must fail').to.not.equal(null);
        expect(isConnectionFailure(engine, failure), `not a connection error: ${String(failure)}`).to.equal(true);
      }
      expect(bystanders.ok).to.equal(bystanders.started);
      expect(after.ok).to.equal(after.started);
      expect(stats.destroyed, 'each killed connection was destroyed, not returned').to.be.at.least(3);
      expectQuiet(stats, 'after the kills');
      // A create started for the last burst of callers may still be connecting: compare the two
      // counts once they have settled together, not with the size read above.
      const counts = await side.settledConnections(() => db.stats().size);
      expect(counts.server, `server-side connections of the pool: ${await side.describe()}`).to.equal(counts.pool);
    });

    it('rolls back and destroys a connection killed inside atomic(); the error reaches the caller', async () => {
      const error = await db
        .atomic(async () => {
          const { rows } = await db.query<{ id: number }>(side.backendIdSql);
          const id = Number(rows[0]?.id);
          const sleeping = db.query(side.sleepSql(30));
          // Handled now: it may reject while the kill is still being awaited.
          sleeping.catch(() => undefined);
          await side.untilBusy(id);
          await side.kill(id);
          await sleeping;
        })
        .then(
          () => null,
          (caught: unknown) => caught,
        );
      const ok = await db.query('SELECT 1 AS one');
      report(engine, 'kill-in-atomic', { failedWith: errorKind(error), warnings: warnings.length, destroyed: db.stats().destroyed, uncaught: guard.caught.length });
      expect(guard.caught, guard.describe()).to.deep.equal([]);
      expect(isConnectionFailure(engine, error), `not a connection error: ${String(error)}`).to.equal(true);
      expect(ok.rowCount).to.equal(1);
      expect(db.stats().destroyed).to.be.at.least(1);
      expectQuiet(db.stats(), 'after the kill');
    });

    it('fails the COMMIT of an atomic() block whose connection was killed between its statements with UNIPOOL_CONNECTION_BROKEN', async () => {
      const error = await db
        .atomic(async () => {
          const id = Number((await db.query<{ id: number }>(side.backendIdSql)).rows[0]?.id);
          await side.kill(id);
          await side.untilGone([id]);
          // Let the driver read the close before the block ends and COMMIT is sent.
          await pause(50);
        })
        .then(
          () => null,
          (caught: unknown) => caught,
        );
      report(engine, 'kill-before-commit', { failedWith: errorKind(error), destroyed: db.stats().destroyed, uncaught: guard.caught.length });
      expect(guard.caught, guard.describe()).to.deep.equal([]);
      // One code for every driver, the driver's own error as cause (core: .tmp/core-bugs/atomic-control-errors-bypass-connection-broken.md).
      expect(errorKind(error)).to.equal('UNIPOOL_CONNECTION_BROKEN');
      expect((error as Error).cause).to.be.an.instanceOf(Error);
      expect((await db.query('SELECT 1 AS one')).rowCount).to.equal(1);
      expectQuiet(db.stats(), 'after the kill');
    });

    it('ends a stream whose connection is killed mid-loop with an error, and destroys the connection', async () => {
      let id = 0;
      const idQuery = await db.session(async () => {
        id = Number((await db.query<{ id: number }>(side.backendIdSql)).rows[0]?.id);
        let seen = 0;
        try {
          // MariaDB's sequence engine: a recursive CTE would stop at max_recursive_iterations (1000) on its own.
          const series = engine === 'postgres' ? 'SELECT g AS n FROM generate_series(1, 1000000) AS g' : 'SELECT seq AS n FROM seq_1_to_1000000';
          for await (const row of db.stream(series, [], { batchSize: 100 })) {
            expect(row).to.have.property('n');
            if (++seen === 10) await side.kill(id);
          }
          return null;
        } catch (error) {
          return error;
        }
      });
      report(engine, 'kill-stream', { failedWith: errorKind(idQuery), destroyed: db.stats().destroyed, uncaught: guard.caught.length });
      expect(guard.caught, guard.describe()).to.deep.equal([]);
      expect(idQuery, 'the stream must end with an error, not quietly').to.not.equal(null);
      expect((await db.query('SELECT 1 AS one')).rowCount).to.equal(1);
      expect(db.stats().destroyed).to.be.at.least(1);
      expectQuiet(db.stats(), 'after the kill');
    });

    it('keeps a connection whose statement was only cancelled (pg_cancel_backend / KILL QUERY)', async () => {
      const outcome = await db.session(async () => {
        const { rows } = await db.query<{ id: number }>(side.backendIdSql);
        const id = Number(rows[0]?.id);
        const sleeping = db.query(side.sleepSql(30)).then(
          () => 'completed early',
          (error: unknown) => errorKind(error),
        );
        await side.untilBusy(id);
        await side.cancel(id);
        const result = await sleeping;
        // The same connection answers the next statement.
        const again = await db.query<{ id: number }>(side.backendIdSql);
        expect(Number(again.rows[0]?.id)).to.equal(id);
        return result;
      });
      report(engine, 'cancel-busy', { outcome, destroyed: db.stats().destroyed, uncaught: guard.caught.length });
      expect(guard.caught, guard.describe()).to.deep.equal([]);
      // PostgreSQL: 57014 query_canceled; MariaDB: 1317 ER_QUERY_INTERRUPTED.
      expect(outcome).to.equal(engine === 'postgres' ? '57014' : 'ER_QUERY_INTERRUPTED');
      expect(db.stats().destroyed, 'a cancelled statement does not cost the connection').to.equal(0);
      expectQuiet(db.stats(), 'after the cancel');
    });
  });
}
