import { expect } from 'chai';
import Sqlite from 'better-sqlite3';
import { createDatabases, UnipoolError, type DatabaseConfig, type Databases } from '../../src/index.js';
import { engineUnderTest, uniqueTable } from '../support/engines.js';
import { Outcomes, report } from './support/outcomes.js';
import { expectQuiet } from './support/pool-invariants.js';
import { guardProcess } from './support/process-guard.js';
import { SeededRandom, soakSeed } from './support/seeded-random.js';
import { ServerSide } from './support/server-side.js';
import { DIALECTS, OPERATIONS, SoakFailure, type Ledger, type OperationName, type SoakContext } from './support/soak-operations.js';

/** Seconds per engine: 30 in `npm test`, longer with UNIPOOL_SOAK_SECONDS. */
const SOAK_SECONDS = Number(process.env.UNIPOOL_SOAK_SECONDS ?? 30);
const WORKERS = 12;
const MAX = 4;

/** The errors each operation may end with on purpose; anything else fails the soak. */
const EXPECTED: Readonly<Record<string, readonly string[]>> = {
  nestedAtomic: ['SoakFailure'],
  parallelNested: ['SoakFailure'],
  session: ['SoakFailure'],
  stateOutsideSession: ['UNIPOOL_SESSION_STATE_OUTSIDE_SESSION'],
  badStatement: ['42P01', '42601', 'ER_NO_SUCH_TABLE', 'ER_PARSE_ERROR', 'SQLITE_ERROR'],
  beginOutsideScope: ['UNIPOOL_TX_OUTSIDE_SCOPE'],
  queryDuringStream: ['UNIPOOL_CONNECTION_BUSY'],
  'scopeTransaction:detached': ['UNIPOOL_TX_ENDED'],
};

function expectedKind(op: string, error: unknown): boolean {
  const allowed = EXPECTED[op] ?? [];
  if (error instanceof SoakFailure) return allowed.includes('SoakFailure');
  const code = error instanceof UnipoolError ? error.code : (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && allowed.includes(code);
}

for (const name of ['postgres', 'mysql', 'sqlite'] as const) {
  describe(`${name}: invariants under a randomised soak`, function () {
    this.timeout((SOAK_SECONDS + 60) * 1000);
    const guard = guardProcess();
    let side: ServerSide | undefined;
    let dbs: Databases<'default' | 'single'>;
    const table = uniqueTable('faults_soak');
    const warnings: string[] = [];

    let sqliteFile = '';

    before(async () => {
      side = name === 'sqlite' ? undefined : await ServerSide.open(name, 'soak');
      sqliteFile = (engineUnderTest('sqlite').config() as { database: string }).database;
      const config = (pool: Record<string, unknown>): DatabaseConfig => (side !== undefined ? side.config({ pool }) : ({ engine: 'sqlite', database: sqliteFile, pool } as DatabaseConfig));
      dbs = createDatabases(
        {
          default: config({ max: MAX, acquireTimeoutMs: 15_000 }),
          // One connection: any state a session leaves behind would meet the next plain query.
          single: config({ max: 1, acquireTimeoutMs: 15_000 }),
        },
        { logger: { warn: (message) => void warnings.push(message) } },
      );
      await dbs.default.query(DIALECTS[name].createTable(table));
    });
    after(async () => {
      await dbs?.default.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
      await dbs?.close({ timeoutMs: 2000 });
      await side?.close();
    });

    it(`keeps every lease, transaction, row and session state straight for ${SOAK_SECONDS} s of random work`, async () => {
      const seed = soakSeed();
      const random = new SeededRandom(seed);
      const ledger: Ledger = { present: new Set(), absent: new Set() };
      const byOp = new Map<string, Outcomes>();
      const outcomesOf = (op: string): Outcomes => {
        let outcomes = byOp.get(op);
        if (outcomes === undefined) byOp.set(op, (outcomes = new Outcomes()));
        return outcomes;
      };
      let ids = 0;
      const weights = Object.fromEntries(Object.entries(OPERATIONS).map(([op, [, weight]]) => [op, weight])) as Record<OperationName, number>;
      const contextFor = (op: OperationName): SoakContext => ({
        db: dbs.default,
        dbs,
        dialect: DIALECTS[name],
        table,
        random,
        ledger,
        detach: (run) => void outcomesOf(`${op}:detached`).track(run),
        nextId: () => ++ids,
      });
      const deadline = performance.now() + SOAK_SECONDS * 1000;
      await Promise.all(
        Array.from({ length: WORKERS }, async () => {
          while (performance.now() < deadline) {
            const op = random.pick(weights);
            await outcomesOf(op).track(() => OPERATIONS[op][0](contextFor(op)));
          }
        }),
      );
      for (const outcomes of byOp.values()) await outcomes.settle();

      // Session state never reaches a later plain query, even on a pool of one connection.
      const single = dbs.single;
      const leaks = new Outcomes();
      for (let i = 0; i < 20; i++) {
        await leaks.track(() => single.session(() => single.query(DIALECTS[name].setSession)));
        await leaks.track(async () => {
          const { rows } = await single.query<{ leak: unknown }>(DIALECTS[name].probe, [i]);
          const leak = rows[0]?.leak;
          if (!(leak === null || leak === undefined || leak === '' || Number(leak) === 0)) throw new Error(`leaked into the next borrower: ${String(leak)}`);
        });
      }

      const stats = dbs.default.stats();
      const { rows } = await dbs.default.query<{ id: unknown }>(`SELECT id FROM ${table}`);
      const stored = new Set(rows.map((row) => Number(row.id)));
      const missing = [...ledger.present].filter((id) => !stored.has(id));
      const resurrected = [...ledger.absent].filter((id) => stored.has(id));
      const server = side !== undefined ? await side.view() : undefined;
      // Both pools carry the tag: the soak's and the one-connection pool.
      const poolConnections = (): number => dbs.default.stats().size + dbs.single.stats().size;
      const serverSettled = side !== undefined ? await side.settledConnections(poolConnections) : undefined;
      const writeLockFree = name === 'sqlite' ? sqliteWriteLockFree(sqliteFile) : true;

      let ops = 0;
      let ok = 0;
      const errorParts: string[] = [];
      const unexpected: string[] = [];
      for (const [op, outcomes] of byOp) {
        ops += outcomes.started;
        ok += outcomes.ok;
        if (outcomes.failed > 0) errorParts.push(`${op}${outcomes.errorSummary()}`);
        unexpected.push(...outcomes.unexpected((_, error) => expectedKind(op, error)).map((text) => `${op}: ${text}`));
      }
      report(name, 'soak', {
        seed,
        seconds: SOAK_SECONDS,
        workers: WORKERS,
        max: MAX,
        ops,
        ok,
        errors: errorParts.join(' '),
        rowsCommitted: ledger.present.size,
        rowsRolledBack: ledger.absent.size,
        missing: missing.length,
        resurrected: resurrected.length,
        inUse: stats.inUse,
        serverConnections: serverSettled?.server ?? 'n/a',
        openTransactions: server?.inTransaction ?? (writeLockFree ? 0 : 1),
        sessionLeaks: leaks.failed,
        warnings: summarize(warnings),
        uncaught: guard.caught.length,
        lost: [...byOp.values()].reduce((sum, o) => sum + o.lost, 0),
      });

      expect(guard.caught, guard.describe()).to.deep.equal([]);
      expect(unexpected, `unexpected errors (replay with UNIPOOL_SOAK_SEED=${seed})`).to.deep.equal([]);
      expect(missing, 'rows of committed transactions are missing').to.deep.equal([]);
      expect(resurrected, 'rows of rolled-back transactions are stored').to.deep.equal([]);
      expect(leaks.failed, leaks.errorSummary()).to.equal(0);
      expectQuiet(stats, 'after the soak');
      if (side !== undefined && server !== undefined) {
        expect(server.connections, 'server-side connections').to.be.at.most(MAX + 1);
        expect(serverSettled?.server, `server-side connections match the pools: ${await side.describe()}`).to.equal(serverSettled?.pool);
        expect(server.inTransaction, 'transactions left open on the server').to.equal(0);
      } else {
        expect(writeLockFree, 'a transaction still holds the SQLite write lock').to.equal(true);
      }
    });
  });
}

/** True when another connection can take the file's write lock at once (no transaction left open). */
function sqliteWriteLockFree(file: string): boolean {
  const probe = new Sqlite(file, { timeout: 0 });
  try {
    probe.exec('BEGIN IMMEDIATE');
    probe.exec('ROLLBACK');
    return true;
  } catch {
    return false;
  } finally {
    probe.close();
  }
}

/** Warnings by kind: `rolled-back-scope:12,…` (the message up to its first colon after the pool name). */
function summarize(warnings: readonly string[]): string {
  const kinds = new Map<string, number>();
  for (const warning of warnings) {
    const kind = warning.replace(/^unipool: pool "[^"]*": /, '').slice(0, 40);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return `{${[...kinds].map(([kind, count]) => `${JSON.stringify(kind)}:${count}`).join(',')}}`;
}
