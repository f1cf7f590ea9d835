import { expect } from 'chai';
import { isConnectionError as isMysqlConnectionError } from '../../adapters/mysql/mysql-errors.js';
import { isConnectionError as isPostgresConnectionError } from '../../adapters/postgres/postgres-errors.js';
import { createDatabases, UnipoolError, type Database, type Databases } from '../../src/index.js';
import { startPrivateMariadb, startPrivatePostgres, type PrivateServer, type StopMode } from '../support/private-servers.js';
import { Outcomes, report } from './support/outcomes.js';
import { expectQuiet, pause } from './support/pool-invariants.js';
import { guardProcess } from './support/process-guard.js';

const WORKERS = 100;
const ACQUIRE_TIMEOUT_MS = 2000;
const CONNECT_TIMEOUT_MS = 1000;
const DOWN_MS = 1500;
/** Far above any honest operation (acquire timeout + a connect + a round trip): only a hang gets near it. */
const HANG_BOUND_MS = ACQUIRE_TIMEOUT_MS + CONNECT_TIMEOUT_MS + 5000;

/** Errors that say clearly what happened while the server was away. */
const OUTAGE_CODES: ReadonlySet<string> = new Set(['UNIPOOL_ACQUIRE_TIMEOUT', 'UNIPOOL_CONNECT_FAILED', 'UNIPOOL_CONNECT_TIMEOUT', 'UNIPOOL_CONNECTION_BROKEN']);

interface Target {
  readonly engine: 'postgres' | 'mysql';
  readonly start: () => Promise<PrivateServer>;
  readonly isConnectionError: (error: unknown) => boolean;
  readonly p: (n: number) => string;
  readonly createTable: string;
}

const TARGETS: readonly Target[] = [
  {
    engine: 'postgres',
    start: startPrivatePostgres,
    isConnectionError: isPostgresConnectionError,
    p: (n) => `$${n}`,
    createTable: 'CREATE TABLE faults_restart (id INTEGER PRIMARY KEY, worker INTEGER NOT NULL)',
  },
  {
    engine: 'mysql',
    start: startPrivateMariadb,
    isConnectionError: isMysqlConnectionError,
    p: () => '?',
    createTable: 'CREATE TABLE faults_restart (id INTEGER PRIMARY KEY, worker INTEGER NOT NULL) ENGINE=InnoDB',
  },
];

for (const target of TARGETS) {
  describe(`${target.engine}: server restart under load (private server)`, function () {
    this.timeout(60_000);
    const guard = guardProcess();
    let server: PrivateServer;
    let dbs: Databases<'default'>;
    let db: Database;
    let nextId = 0;
    const warnings: string[] = [];

    before(async () => {
      server = await target.start();
      dbs = createDatabases(
        { default: { engine: target.engine, url: server.url, pool: { max: 10, acquireTimeoutMs: ACQUIRE_TIMEOUT_MS, connectTimeoutMs: CONNECT_TIMEOUT_MS } } },
        { logger: { warn: (message) => void warnings.push(message) } },
      );
      db = dbs.default;
      await db.query(target.createTable);
    });
    after(async () => {
      await dbs?.close({ timeoutMs: 2000 });
      await server?.destroy();
    });

    /** One unit of work of a worker: a query, a transaction, or a short stream. */
    async function work(worker: number, round: number, committed: Set<number>, inDoubt: Set<number>): Promise<void> {
      const kind = (worker + round) % 10;
      if (kind < 7) {
        const { rows } = await db.query<{ n: number }>(`SELECT ${target.p(1)} + 0 AS n`, [round]);
        // A reply meant for another caller would show here.
        expect(Number(rows[0]?.n)).to.equal(round);
      } else if (kind < 9) {
        const id = ++nextId;
        inDoubt.add(id);
        await db.atomic(async () => {
          await db.query(`INSERT INTO faults_restart (id, worker) VALUES (${target.p(1)}, ${target.p(2)})`, [id, worker]);
        });
        inDoubt.delete(id);
        committed.add(id);
      } else {
        let seen = 0;
        for await (const row of db.stream<{ id: number }>('SELECT id FROM faults_restart', [], { batchSize: 10 })) {
          expect(row).to.have.property('id');
          if (++seen === 20) break;
        }
      }
    }

    for (const mode of ['fast', 'immediate'] as const satisfies readonly StopMode[]) {
      it(`${mode} restart: in-flight work fails with clear errors, nothing hangs, the pool recovers and hands out no dead connection`, async () => {
        const outcomes = new Outcomes();
        const committed = new Set<number>();
        const inDoubt = new Set<number>();
        let running = true;
        let restartedAt = Infinity;
        let firstOkAfterRestart = Infinity;
        const workers = Array.from({ length: WORKERS }, async (_, worker) => {
          for (let round = 0; running; round++) {
            const ok = await outcomes.track(() => work(worker, round, committed, inDoubt));
            if (ok && performance.now() > restartedAt) firstOkAfterRestart = Math.min(firstOkAfterRestart, performance.now());
          }
        });

        await pause(1000);
        const beforeFault = outcomes.ok;
        await server.stop(mode);
        await pause(DOWN_MS);
        await server.start();
        restartedAt = performance.now();
        // Recovery: the workers (the same process, the same pool) succeed again.
        while (firstOkAfterRestart === Infinity && performance.now() - restartedAt < 20_000) await pause(50);
        await pause(1000);
        running = false;
        await Promise.all(workers);
        await outcomes.settle();

        // Afterwards every connection handed out works: 100 callers × 10 queries, not one failure.
        const verify = new Outcomes();
        await Promise.all(
          Array.from({ length: WORKERS }, async (_, worker) => {
            for (let round = 0; round < 10; round++) await verify.track(() => work(worker, round * 10, new Set(), new Set()));
          }),
        );
        const { rows } = await db.query<{ id: number }>('SELECT id FROM faults_restart');
        const present = new Set(rows.map((row) => Number(row.id)));
        const missing = [...committed].filter((id) => !present.has(id));
        // Failed transactions whose COMMIT reached the server anyway (the reply was lost): "in doubt".
        const failedButStored = [...inDoubt].filter((id) => present.has(id));
        const stats = db.stats();

        report(target.engine, `server-restart(${mode})`, {
          workers: WORKERS,
          ops: outcomes.started,
          ok: outcomes.ok,
          errors: outcomes.errorSummary(),
          committed: committed.size,
          committedMissing: missing.length,
          atomicsFailed: inDoubt.size,
          failedButStored: failedButStored.length,
          downMs: DOWN_MS,
          recoveredAfterMs: Math.round(firstOkAfterRestart - restartedAt),
          slowestMs: Math.round(outcomes.slowestMs),
          verify: `${verify.ok}/${verify.started}`,
          destroyed: stats.destroyed,
          uncaught: guard.caught.length,
          lost: outcomes.lost,
        });

        expect(guard.caught, guard.describe()).to.deep.equal([]);
        expect(beforeFault, 'work succeeded before the restart').to.be.greaterThan(0);
        expect(outcomes.failed, 'the restart was noticed').to.be.greaterThan(0);
        const unclear = outcomes.unexpected((kind, error) => (error instanceof UnipoolError ? OUTAGE_CODES.has(kind) : target.isConnectionError(error)));
        expect(unclear, 'errors that are neither a unipool outage code nor a recognised connection error').to.deep.equal([]);
        expect(outcomes.slowestMs, 'an operation outlived every timeout (a hang)').to.be.below(HANG_BOUND_MS);
        expect(firstOkAfterRestart, 'the pool never recovered').to.be.below(Infinity);
        expect(verify.unexpected(() => false), 'a dead connection was handed out after recovery').to.deep.equal([]);
        expect(verify.ok).to.equal(WORKERS * 10);
        expect(missing, 'transactions reported committed are missing after the restart').to.deep.equal([]);
        expect(outcomes.lost).to.equal(0);
        expectQuiet(stats, 'after recovery');
      });
    }
  });
}
