import { expect } from 'chai';
import pg from 'pg';
import { sleep, uniqueTable } from '../../support/engines.js';
import { startPgBouncer, type RunningPgBouncer } from '../../support/pgbouncer.js';
import type { Database } from '../../../src/index.js';
import { closePoolsAfterEach, gate, openPool, useServerView, type OpenPool } from './server-view.js';

type Caught = { code?: string; message?: string };
const caught = (promise: Promise<unknown>): Promise<Caught> => promise.then(() => ({}), (error: unknown) => error as Caught);

/** PgBouncer's view of the `test` pool (admin console `SHOW POOLS`). */
interface PoolsRow {
  cl_active: number;
  cl_waiting: number;
  sv_active: number;
  sv_idle: number;
}

const pidOf = async (db: Database): Promise<number> => Number((await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);

// Debian's pgbouncer (1.18 on Debian 12), started privately in transaction pooling mode with
// default_pool_size 2, so its multiplexing of client connections onto server connections shows.
// A missing binary fails the `before` hook with the install command: this suite never skips.
describe('postgres behind PgBouncer in transaction mode', function () {
  this.timeout(10_000);
  let bouncer: RunningPgBouncer;
  let console_: pg.Client;
  const server = useServerView();
  let table: string;

  before(async () => {
    bouncer = await startPgBouncer({ poolMode: 'transaction', defaultPoolSize: 2 });
    console_ = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${bouncer.port}/pgbouncer` });
    await console_.connect();
  });
  after(async () => {
    await console_?.end().catch(() => undefined);
    await bouncer?.stop();
  });
  beforeEach(async () => {
    table = uniqueTable('pgit_bouncer');
    await server().query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY)`);
  });
  afterEach(async () => {
    await server().query(`DROP TABLE IF EXISTS ${table}`);
  });
  closePoolsAfterEach();

  /** A unipool pool whose connections go to PgBouncer, not to PostgreSQL. */
  const throughBouncer = (extra: Record<string, unknown> = {}): OpenPool => openPool({ url: bouncer.url, ...extra });
  const pools = async (): Promise<PoolsRow> => {
    const rows = (await console_.query('SHOW POOLS')).rows as (PoolsRow & { database: string })[];
    const row = rows.find((r) => r.database === 'test');
    return { cl_active: Number(row?.cl_active ?? 0), cl_waiting: Number(row?.cl_waiting ?? 0), sv_active: Number(row?.sv_active ?? 0), sv_idle: Number(row?.sv_idle ?? 0) };
  };
  const committed = async (): Promise<number[]> => (await server().query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);

  it('releases per statement: PgBouncer lends a server connection only for the statement', async () => {
    const { db } = throughBouncer({ pool: { max: 3 } });
    // Three unipool connections to PgBouncer, each held by a session, queried in turn: PgBouncer
    // lends its most recently used server connection to each statement, so one backend serves all.
    const pids: number[] = [];
    const turn = [gate(), gate(), gate(), gate()];
    const sessions = Promise.all(
      [0, 1, 2].map((i) =>
        db.session(async () => {
          await turn[i]?.wait;
          for (let k = 0; k < 3; k++) pids.push(await pidOf(db));
          // Every session stays open until the last one has queried.
          turn[i + 1]?.open();
          await turn[3]?.wait;
        }),
      ),
    );
    turn[0]?.open();
    await sessions;
    expect(pids).to.have.length(9);
    expect(db.stats().size).to.equal(3);
    expect(new Set(pids).size).to.equal(1);
    expect(await pools()).to.include({ sv_active: 0 });
    // The server backend is idle between statements, though three clients are connected.
    expect(await server().query('SELECT state FROM pg_stat_activity WHERE pid = $1', [pids[0]])).to.deep.equal([{ state: 'idle' }]);
  });

  it('runs atomic() with savepoints on one server connection, commits and rolls back', async () => {
    const { db } = throughBouncer();
    const other = throughBouncer();
    const seen = new Set<number>();
    await db.atomic(async () => {
      await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
      seen.add(await pidOf(db));
      // While the transaction is open PgBouncer keeps its server connection linked: another
      // client gets a different one.
      expect(await pools()).to.include({ sv_active: 1 });
      const otherPid = await pidOf(other.db);
      await db.atomic(async () => {
        await db.query(`INSERT INTO ${table} (id) VALUES (2)`);
        seen.add(await pidOf(db));
        throw new Error('roll back to the savepoint');
      }).catch(() => undefined);
      await db.atomic(async () => {
        await db.query(`INSERT INTO ${table} (id) VALUES (3)`);
        seen.add(await pidOf(db));
      });
      expect(seen.size).to.equal(1);
      expect(seen.has(otherPid)).to.equal(false);
      expect(await committed()).to.deep.equal([]);
    });
    expect(await committed()).to.deep.equal([1, 3]);
    const error = await caught(db.atomic(async () => {
      await db.query(`INSERT INTO ${table} (id) VALUES (4)`);
      throw new Error('roll back');
    }));
    expect(error.message).to.equal('roll back');
    expect(await committed()).to.deep.equal([1, 3]);
    expect(await pools()).to.include({ sv_active: 0 });
  });

  it('keeps concurrent atomic() blocks each on one server connection, more blocks than server connections', async () => {
    const { db } = throughBouncer({ pool: { max: 5 } });
    const perTransaction = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db.atomic(async () => {
          const pids = new Set<number>([await pidOf(db)]);
          await db.query(`INSERT INTO ${table} (id) VALUES ($1)`, [i * 10]);
          await sleep(5);
          await db.atomic(async () => {
            await db.query(`INSERT INTO ${table} (id) VALUES ($1)`, [i * 10 + 1]);
            pids.add(await pidOf(db));
          });
          pids.add(await pidOf(db));
          return pids.size;
        }),
      ),
    );
    expect(perTransaction).to.deep.equal(Array.from({ length: 10 }, () => 1));
    expect(await committed()).to.have.length(20);
    // PgBouncer never opened more than its default_pool_size (2) server connections for them.
    const { sv_active, sv_idle } = await pools();
    expect(sv_active).to.equal(0);
    expect(sv_idle).to.be.at.most(2);
  });

  it('streams through a pg-cursor portal: PgBouncer keeps the server connection until the loop breaks', async () => {
    const { db } = throughBouncer({ pool: { max: 2 } });
    const seen: number[] = [];
    for await (const row of db.stream<{ n: number }>('SELECT g AS n FROM generate_series(1, 5000) AS g', [], { batchSize: 25 })) {
      seen.push(row.n);
      if (seen.length === 1) {
        // No Sync has been sent, so PgBouncer has seen no ReadyForQuery: the server stays linked.
        expect(await pools()).to.include({ sv_active: 1 });
        // Another statement meanwhile goes to another server connection and does not disturb the portal.
        expect((await db.query('SELECT 2 AS two')).rows).to.deep.equal([{ two: 2 }]);
      }
      if (seen.length === 180) break;
    }
    expect(seen.at(-1)).to.equal(180);
    expect(db.stats().inUse).to.equal(0);
    expect(await pools()).to.include({ sv_active: 0 });
    let count = 0;
    for await (const _row of db.stream('SELECT g FROM generate_series(1, 1000) AS g', [], { batchSize: 100 })) count++;
    expect(count).to.equal(1000);
  });

  it('refuses session state outside session() exactly as without PgBouncer, and its reset runs through it', async () => {
    const { db } = throughBouncer({ pool: { max: 1 } });
    const error = await caught(db.query("SET statement_timeout = '1234ms'"));
    expect(error.code).to.equal('UNIPOOL_SESSION_STATE_OUTSIDE_SESSION');
    expect((await db.query('SHOW statement_timeout')).rows).to.not.deep.equal([{ statement_timeout: '1234ms' }]);
    expect(db.stats().destroyed).to.equal(0);
  });

  it('breaks session(): its statements may run on different server backends, and its SET leaks to other clients', async () => {
    const { db } = throughBouncer({ pool: { max: 1 } });
    const other = throughBouncer({ pool: { max: 1 } });
    const holding = gate();
    const done = gate();
    let first = 0;
    let second = 0;
    let lentToOther = 0;
    let leaked: unknown;
    await db.session(async () => {
      await db.query("SET statement_timeout = '1234ms'");
      first = await pidOf(db);
      // Another client, in transaction mode, is lent the very server connection the SET ran on.
      leaked = (await other.db.query('SHOW statement_timeout')).rows[0];
      // While that client holds it in a transaction, the session's next statement lands elsewhere.
      const held = other.db.atomic(async () => {
        try {
          lentToOther = await pidOf(other.db);
        } finally {
          holding.open();
        }
        await done.wait;
      });
      await holding.wait;
      second = await pidOf(db);
      expect((await db.query('SHOW statement_timeout')).rows).to.deep.equal([{ statement_timeout: '0' }]);
      done.open();
      await held;
    });
    expect(leaked).to.deep.equal({ statement_timeout: '1234ms' });
    expect(lentToOther).to.equal(first);
    expect(second).to.not.equal(first);
  });

  it('refuses startup parameters it does not know (statement_timeout in options): use role defaults instead', async () => {
    const { db } = throughBouncer({ options: { statement_timeout: 5000 }, pool: { acquireTimeoutMs: 20_000 } });
    const error = await caught(db.query('SELECT 1'));
    // Retrying cannot fix a refused startup parameter: answered at once, not after the timeout.
    expect(error.code).to.equal('UNIPOOL_CONNECT_FAILED');
    expect(error.message).to.contain('unsupported startup parameter: statement_timeout (08P01)');
  });

  it('validates idle connections with an empty query that PgBouncer passes through (validateAfterIdleMs: 0)', async () => {
    const { db } = throughBouncer({ pool: { max: 1, validateAfterIdleMs: 0 } });
    for (let i = 0; i < 3; i++) expect((await db.query('SELECT $1::int AS i', [i])).rows).to.deep.equal([{ i }]);
    expect(db.stats()).to.include({ created: 1, destroyed: 0 });
  });
});
