import { expect } from 'chai';
import pg from 'pg';
import { describeResult, describedQueryClass } from '../../../adapters/postgres/postgres-described-query.js';
import type { PgQueryCallback, PgQueryConstructor, PgResult } from '../../../adapters/postgres/postgres-driver-types.js';
import { uniqueTable } from '../../support/engines.js';
import type { Database } from '../../../src/index.js';
import { PG_URL, closePipelined, openPipelined, serverCheck, spyOnClients } from './pipelining-support.js';

type Caught = { code?: string; message?: string };
const caught = (promise: Promise<unknown>): Promise<Caught> => promise.then(
  () => ({ code: 'resolved' }),
  (error: unknown) => error as Caught,
);

interface WireEvents {
  on(event: string, fn: () => void): void;
  removeListener(event: string, fn: () => void): void;
}

/**
 * Counts the ReadyForQuery messages the server sends `client` from now on: one per Sync, so one
 * per round trip the adapter makes.
 */
function countReadyForQuery(client: pg.Client): () => number {
  let count = 0;
  const wire = (client as unknown as { connection: WireEvents }).connection;
  wire.on('readyForQuery', () => count++);
  return () => count;
}

/**
 * A one-connection pool (so every block runs on the connection the warm-up taught) whose statements
 * in `warm` have each run once outside a transaction: their result descriptions are known there,
 * which is what lets a transaction's BEGIN share their write. Returns the pool's `pg.Client`.
 */
async function openWarmed(extra: Record<string, unknown>, warm: readonly (readonly [string, unknown[]])[]): Promise<{ db: Database; client: pg.Client }> {
  const spy = spyOnClients();
  let db: Database;
  try {
    db = openPipelined({ pool: { max: 1 }, ...extra });
    for (const [sql, params] of warm) await db.query(sql, params);
  } finally {
    spy.restore();
  }
  expect(spy.clients.size, 'pg.Clients the pool opened').to.equal(1);
  const [client] = spy.clients as Set<pg.Client>;
  return { db, client: client as pg.Client };
}

async function serverRows(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  return serverCheck(async (c) => (await c.query(sql, params)).rows as Record<string, unknown>[]);
}

/** What the server says the pool's backend is doing: 'idle' once no transaction is open there. */
async function backendState(client: pg.Client): Promise<unknown> {
  const pid = (client as unknown as { processID: number }).processID;
  const rows = await serverRows('SELECT state FROM pg_stat_activity WHERE pid = $1', [pid]);
  return rows[0]?.['state'];
}

/**
 * A transaction's BEGIN is deferred to its first statement; when that statement is a cached one
 * whose result description the connection knows, the BEGIN goes in the same write (with no Sync of
 * its own), saving a round trip. These check the round trips it saves, that the transaction is
 * still a transaction (atomic, with its options, serialising locks), and that a transaction that
 * ran nothing sends nothing and leaves nothing behind.
 */
describe('postgres: a transaction begins with its first statement', function () {
  this.timeout(15_000);
  let table: string;
  // The statements of the benchmark's W3 transaction: lock a row, update it.
  let SELECT_FOR_UPDATE: string;
  let UPDATE: string;
  let INSERT: string;

  beforeEach(async () => {
    table = uniqueTable('begin_first');
    SELECT_FOR_UPDATE = `SELECT id, n FROM ${table} WHERE id = $1 FOR UPDATE`;
    UPDATE = `UPDATE ${table} SET n = $2 WHERE id = $1`;
    INSERT = `INSERT INTO ${table} (id, n) VALUES ($1, $2)`;
    await serverCheck(async (c) => {
      await c.query(`CREATE TABLE ${table} (id int PRIMARY KEY, n int NOT NULL)`);
      await c.query(`INSERT INTO ${table} SELECT g, 0 FROM generate_series(1, 3) AS g`);
    });
  });
  afterEach(async () => {
    await closePipelined();
    await serverCheck((c) => c.query(`DROP TABLE IF EXISTS ${table}`));
  });

  const committedIds = async (): Promise<number[]> => (await serverRows(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r['id'] as number);
  const counterOf = async (id: number): Promise<unknown> => (await serverRows(`SELECT n FROM ${table} WHERE id = $1`, [id]))[0]?.['n'];

  // Pipelining changes how statements outside a transaction are sent, not how a transaction
  // begins: both settings must behave the same.
  for (const pipeline of [true, false]) {
    describe(`pipeline: ${pipeline}`, () => {
      it('a transaction of two known cached statements costs 3 round trips (BEGIN with the first, the second, COMMIT); otherwise BEGIN goes alone (4)', async () => {
        // Warm-up outside any transaction: SELECT … FOR UPDATE on its own, and an UPDATE that changes nothing.
        const { db, client } = await openWarmed({ pipeline }, [
          [SELECT_FOR_UPDATE, [1]],
          [UPDATE, [1, 0]],
        ]);
        const increment = async (select: string, params?: unknown[]): Promise<void> => {
          await db.atomic(async () => {
            const { rows } = await db.query<{ n: number }>(select, params);
            await db.query(UPDATE, [1, (rows[0]?.n ?? -100) + 1]);
          });
        };

        let roundTrips = countReadyForQuery(client);
        await increment(SELECT_FOR_UPDATE, [1]);
        expect(roundTrips(), 'ReadyForQuery: BEGIN+SELECT, UPDATE, COMMIT').to.equal(3);
        expect(await counterOf(1)).to.equal(1);

        // No parameters: not a cached statement, so nothing is known about its result; the BEGIN
        // is sent alone just before it.
        roundTrips = countReadyForQuery(client);
        await increment(`SELECT n FROM ${table} WHERE id = 1 FOR UPDATE`);
        expect(roundTrips(), 'ReadyForQuery: BEGIN, SELECT, UPDATE, COMMIT').to.equal(4);
        expect(await counterOf(1)).to.equal(2);

        // A cached statement on its first run on this connection: its result description is not
        // known yet (the run must Describe), so the BEGIN goes alone too…
        const fresh = `SELECT n FROM ${table} WHERE id = $1 FOR UPDATE`;
        roundTrips = countReadyForQuery(client);
        await increment(fresh, [1]);
        expect(roundTrips(), 'first run of a cached statement: BEGIN, SELECT, UPDATE, COMMIT').to.equal(4);
        // …and once it ran (inside a transaction is enough), the BEGIN rides with it.
        roundTrips = countReadyForQuery(client);
        await increment(fresh, [1]);
        expect(roundTrips(), 'second run: BEGIN+SELECT, UPDATE, COMMIT').to.equal(3);
        expect(await counterOf(1)).to.equal(4);
        expect(db.stats().inUse).to.equal(0);
      });

      it('a cached INSERT sent with the BEGIN is rolled back when the block throws', async () => {
        const { db, client } = await openWarmed({ pipeline }, [[INSERT, [100, 0]]]);
        const roundTrips = countReadyForQuery(client);
        const error = await caught(
          db.atomic(async () => {
            await db.query(INSERT, [10, 0]);
            // The row is there inside the transaction…
            expect((await db.query(`SELECT id FROM ${table} WHERE id = $1`, [10])).rows).to.deep.equal([{ id: 10 }]);
            throw Object.assign(new Error('block fails'), { code: 'BLOCK' });
          }),
        );
        expect(error.code).to.equal('BLOCK');
        // …and not on the server: the INSERT ran inside the transaction the ROLLBACK ended.
        expect(await committedIds()).to.deep.equal([1, 2, 3, 100]);
        // BEGIN+INSERT in one round trip, then the SELECT, then ROLLBACK.
        expect(roundTrips()).to.equal(3);
        expect(db.stats().inUse).to.equal(0);
        expect(await backendState(client)).to.equal('idle');
      });

      it('a first statement that fails (duplicate key) commits nothing, rejects with 23505, and leaves the connection idle', async () => {
        const { db, client } = await openWarmed({ pipeline }, [[INSERT, [100, 0]]]);
        const error = await caught(db.atomic(() => db.query(INSERT, [1, 0])));
        expect(error.code).to.equal('23505');
        expect(db.stats().inUse).to.equal(0);
        expect(await backendState(client)).to.equal('idle');

        // The block swallows the failure and carries on: the transaction is aborted, so the next
        // statement fails too (25P02) and nothing of the block reaches the server. Had the failed
        // statement run outside a transaction, the second INSERT would have been committed.
        const swallowed = await caught(
          db.atomic(async () => {
            expect((await caught(db.query(INSERT, [2, 0]))).code).to.equal('23505');
            await db.query(INSERT, [20, 0]);
          }),
        );
        expect(swallowed.code).to.equal('25P02');
        expect(await committedIds()).to.deep.equal([1, 2, 3, 100]);
        expect(db.stats().inUse).to.equal(0);
        expect(await backendState(client)).to.equal('idle');

        // The connection is fine for the next transaction, and outside one no transaction stays open:
        // the first statement of a transaction has statement_timestamp() = transaction_timestamp().
        await db.atomic(() => db.query(INSERT, [30, 0]));
        expect(await committedIds()).to.deep.equal([1, 2, 3, 30, 100]);
        for (let i = 0; i < 2; i++) {
          const { rows } = await db.query('SELECT statement_timestamp() = transaction_timestamp() AS fresh, txid_current_if_assigned() AS xid');
          expect(rows).to.deep.equal([{ fresh: true, xid: null }]);
        }
        expect(await backendState(client)).to.equal('idle');
      });
    });
  }

  it('sends the isolation level and READ ONLY with the combined BEGIN; a write in a read-only block fails with 25006', async () => {
    const SETTINGS = `SELECT current_setting('transaction_isolation') AS iso, current_setting('transaction_read_only') AS ro, $1::int AS n`;
    const { db, client } = await openWarmed({}, [
      [SETTINGS, [0]],
      [INSERT, [100, 0]],
    ]);
    let roundTrips = countReadyForQuery(client);
    const { rows } = await db.atomic({ isolation: 'serializable', readOnly: true }, () => db.query(SETTINGS, [1]));
    expect(rows).to.deep.equal([{ iso: 'serializable', ro: 'on', n: 1 }]);
    // Combined (BEGIN+SELECT), then COMMIT: the options really rode on the combined BEGIN.
    expect(roundTrips()).to.equal(2);

    // The same with the write as the first statement: it is refused, nothing is written.
    roundTrips = countReadyForQuery(client);
    const error = await caught(db.atomic({ readOnly: true }, () => db.query(INSERT, [10, 0])));
    expect(error.code).to.equal('25006');
    expect(roundTrips(), 'BEGIN+INSERT, ROLLBACK').to.equal(2);
    expect(await committedIds()).to.deep.equal([1, 2, 3, 100]);

    // The next transaction has the defaults again.
    const after = await db.atomic(() => db.query(SETTINGS, [2]));
    expect(after.rows).to.deep.equal([{ iso: 'read committed', ro: 'off', n: 2 }]);
    expect(db.stats().inUse).to.equal(0);
  });

  it('a transaction that runs no statement sends nothing: empty, or throwing before its first statement', async () => {
    const { db, client } = await openWarmed({}, [[INSERT, [100, 0]]]);
    const roundTrips = countReadyForQuery(client);
    expect(await db.atomic(async () => 'empty')).to.equal('empty');
    expect(roundTrips(), 'ReadyForQuery for an empty atomic()').to.equal(0);

    const error = await caught(
      db.atomic(async () => {
        throw Object.assign(new Error('before any statement'), { code: 'EARLY' });
      }),
    );
    expect(error.code).to.equal('EARLY');
    expect(error.message).to.equal('before any statement');
    expect(roundTrips(), 'ReadyForQuery for an atomic() that threw before any statement').to.equal(0);
    expect(db.stats().inUse).to.equal(0);

    // Nothing left over: the next statement runs on its own, outside a transaction, and is committed.
    await db.query(INSERT, [10, 0]);
    expect(await committedIds()).to.deep.equal([1, 2, 3, 10, 100]);
    expect(roundTrips()).to.equal(1);
    expect(await backendState(client)).to.equal('idle');
  });

  it('a deferred BEGIN never outlives its block: on a held connection (session), the next statement runs outside any transaction', async () => {
    const { db, client } = await openWarmed({}, [[INSERT, [100, 0]]]);
    const roundTrips = countReadyForQuery(client);
    await db.session(async () => {
      await db.atomic(async () => {});
      // A cached statement (the kind that would carry a leftover BEGIN in its write) right after:
      // committed at once, visible to another connection while the session still holds this one.
      await db.query(INSERT, [10, 0]);
      expect(await committedIds()).to.deep.equal([1, 2, 3, 10, 100]);
      expect(await backendState(client)).to.equal('idle');

      // The same after a block that threw before its first statement.
      await caught(
        db.atomic(() => {
          throw new Error('early');
        }),
      );
      await db.query(INSERT, [11, 0]);
      expect(await committedIds()).to.deep.equal([1, 2, 3, 10, 11, 100]);
      expect(await backendState(client)).to.equal('idle');
      // Two INSERTs, nothing else (no BEGIN, no COMMIT, no ROLLBACK); the session's end resets the connection after this.
      expect(roundTrips()).to.equal(2);
    });
    expect(db.stats().inUse).to.equal(0);
  });

  it('a first statement whose values cannot be encoded sends nothing, and the BEGIN still goes with the next statement', async () => {
    const { db, client } = await openWarmed({}, [[INSERT, [100, 0]]]);
    const roundTrips = countReadyForQuery(client);
    // Passes unipool's checks (pg's toPostgres hook), fails only when pg encodes it for the Bind.
    const unencodable = { toPostgres: (): string => { throw new Error('cannot encode'); } };
    const error = await caught(
      db.atomic(async () => {
        const failed = await caught(db.query(INSERT, [unencodable, 0]));
        expect(failed.message).to.contain('cannot encode');
        expect(roundTrips(), 'nothing sent for the unencodable statement').to.equal(0);
        // The transaction has still to begin: this INSERT carries the BEGIN, so the throw below undoes it.
        await db.query(INSERT, [40, 0]);
        throw Object.assign(new Error('undo'), { code: 'UNDO' });
      }),
    );
    expect(error.code).to.equal('UNDO');
    expect(await committedIds()).to.deep.equal([1, 2, 3, 100]);
    expect(roundTrips(), 'BEGIN+INSERT, ROLLBACK').to.equal(2);
    expect(db.stats().inUse).to.equal(0);
    expect(await backendState(client)).to.equal('idle');
  });

  it('concurrent blocks locking the same row (first statement sent with BEGIN) serialise: no increment is lost', async () => {
    const spy = spyOnClients();
    let db: Database;
    try {
      db = openPipelined({ pool: { max: 5 } });
      // Every connection of the pool runs both statements once, so each knows their
      // descriptions: five blocks held open at once, each waiting for the others to have started,
      // on rows that do not exist (no lock between them). Blocks, not sessions: a session's end
      // resets its connection (DISCARD ALL), which forgets the cached statements.
      let started = 0;
      let allStarted: () => void = () => {};
      const all = new Promise<void>((resolve) => (allStarted = resolve));
      await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          db.atomic(async () => {
            if (++started === 5) allStarted();
            await all;
            await db.query(SELECT_FOR_UPDATE, [1000 + i]);
            await db.query(UPDATE, [1000 + i, 0]);
          }),
        ),
      );
    } finally {
      spy.restore();
    }
    expect(spy.clients.size).to.equal(5);
    const roundTrips = [...spy.clients].map((client) => countReadyForQuery(client));
    const BLOCKS = 50;
    await Promise.all(
      Array.from({ length: BLOCKS }, () =>
        db.atomic(async () => {
          // Read, then write what was read plus one: only the row lock, taken by the statement sent
          // with the BEGIN and held to COMMIT, keeps two blocks from writing the same value.
          const { rows } = await db.query<{ n: number }>(SELECT_FOR_UPDATE, [1]);
          await db.query(UPDATE, [1, (rows[0]?.n ?? -1000) + 1]);
        }),
      ),
    );
    expect(await counterOf(1)).to.equal(BLOCKS);
    // Every block took the combined path: 3 round trips each, not 4.
    expect(roundTrips.reduce((sum, count) => sum + count(), 0)).to.equal(3 * BLOCKS);
    expect(db.stats().inUse).to.equal(0);
  });

  it('the statements of a block share one transaction: same transaction id and start time as the first (sent with BEGIN)', async () => {
    const NOW = 'SELECT now() AS started, transaction_timestamp() AS tx_started, txid_current()::text AS xid, $1::int AS n';
    const { db } = await openWarmed({}, [[NOW, [0]]]);
    const [first, second] = await db.atomic(async () => [(await db.query(NOW, [1])).rows[0], (await db.query(NOW, [2])).rows[0]] as const);
    expect(first?.['started']).to.deep.equal(first?.['tx_started']);
    expect(second?.['started']).to.deep.equal(first?.['started']);
    expect(second?.['xid']).to.equal(first?.['xid']);
    // Outside the block, each statement is its own transaction again.
    const [a, b] = [(await db.query(NOW, [3])).rows[0], (await db.query(NOW, [4])).rows[0]];
    expect(b?.['xid']).to.not.equal(a?.['xid']);
  });

  // The protocol the combined write relies on, seen directly on a pg.Client: the BEGIN has no Sync
  // of its own, so when it fails the server skips the statement written behind it up to the Sync.
  it('a BEGIN that fails in the combined write makes the server skip the statement behind it', async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const name = 'begin_first_insert';
      const text = `INSERT INTO ${table} (id, n) VALUES ($1, $2)`;
      const prepared = (await client.query({ name, text, values: [100, 0] })) as unknown as PgResult;
      const description = describeResult(prepared, false);
      expect(description).to.not.equal(undefined);
      const Described = describedQueryClass(pg.Query as unknown as PgQueryConstructor);
      const send = (begin: string, id: number): Promise<Caught> =>
        new Promise((resolve) => {
          let settled = false;
          const callback: PgQueryCallback = (error) => {
            if (settled) return;
            settled = true;
            resolve(error ? (error as Caught) : { code: 'ok' });
          };
          (client as unknown as { query(q: unknown): void }).query(new Described(text, name, [String(id), '0'], description as NonNullable<typeof description>, callback, begin));
        });
      // The status byte of the last ReadyForQuery (pg calls back on the ErrorResponse, before it).
      const status = (): string => (client as unknown as { getTransactionStatus(): string }).getTransactionStatus();
      const waitIdle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

      const failed = await send('BEGIN ISOLATION LEVEL NO_SUCH_LEVEL', 10);
      expect(failed.code).to.equal('42601');
      await waitIdle();
      expect(status()).to.equal('I');
      expect(await committedIds()).to.deep.equal([1, 2, 3, 100]);

      // A valid BEGIN: the statement runs, inside the transaction it opened.
      expect((await send('BEGIN', 11)).code).to.equal('ok');
      expect(status()).to.equal('T');
      expect(await committedIds()).to.deep.equal([1, 2, 3, 100]);
      await client.query('ROLLBACK');
      expect(await committedIds()).to.deep.equal([1, 2, 3, 100]);
    } finally {
      await client.end();
    }
  });
});
