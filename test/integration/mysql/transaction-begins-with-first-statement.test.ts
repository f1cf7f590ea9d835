import { expect } from 'chai';
import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import type { Socket } from 'node:net';
import { mysqlAdapter as adapter, type MysqlConnection } from '../../../adapters/mysql/index.js';
import { connectionState } from '../../../adapters/mysql/mysql-connection-state.js';
import type { Database } from '../../../src/index.js';
import { engineUnderTest, sleep, uniqueTable } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';
import { closeOpened, openConnection } from './adapter-test-settings.js';

const mariadb = engineUnderTest('mysql');

type Caught = { code?: string; errno?: number; message?: string };
const caught = (promise: Promise<unknown>): Promise<Caught> =>
  promise.then(
    () => ({ code: 'resolved' }),
    (error: unknown) => error as Caught,
  );

/** mysql2's base connection class: every connection the adapter opens calls its `connect()` once. */
const BaseConnection = Object.getPrototypeOf((mysql as unknown as { Connection: { prototype: object } }).Connection.prototype) as { connect(...args: unknown[]): unknown };

/** Records the mysql2 connections opened while it is installed (the adapter waits for each with `connect()`). */
function spyOnConnections(): { readonly connections: Set<MysqlConnection>; restore(): void } {
  const connections = new Set<MysqlConnection>();
  const original = BaseConnection.connect;
  BaseConnection.connect = function (this: MysqlConnection, ...args: unknown[]) {
    connections.add(this);
    return original.apply(this, args);
  };
  return { connections, restore: () => void (BaseConnection.connect = original) };
}

interface WriteCounts {
  /** Requests the client wrote after reading something from the server: one per round trip. */
  trips(): number;
  /** Writes that left for the socket (a corked batch is one). */
  writes(): number;
}

/**
 * Counts round trips on `conn` from now on: a write made after data came back from the server
 * starts a new one (writes with no reply between them — a corked batch, or requests sent ahead —
 * share theirs). The counting listener runs before mysql2's, so a request mysql2 writes from inside
 * its reply handler is seen as following that reply.
 */
function countRoundTrips(conn: MysqlConnection): WriteCounts {
  type Writer = (this: Socket, ...args: unknown[]) => unknown;
  const socket = conn.stream as unknown as Socket & { _writeGeneric: Writer };
  let trips = 0;
  let writes = 0;
  let answered = true;
  socket.prependListener('data', () => {
    answered = true;
  });
  const original = socket._writeGeneric;
  socket._writeGeneric = function (this: Socket, ...args: unknown[]) {
    writes += 1;
    if (answered) {
      trips += 1;
      answered = false;
    }
    return original.apply(this, args);
  };
  return { trips: () => trips, writes: () => writes };
}

/** Polls `check` (async) until it holds. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (await check()) return;
    await sleep(10);
  }
  throw new Error(`never happened: ${what}`);
}

/**
 * When a transaction runs on MySQL/MariaDB without an isolation level, its START TRANSACTION is
 * not sent by itself: it goes with the block's first statement, in one multi-statement query when
 * that statement can carry it, otherwise queued just ahead of it. These check the round trips
 * saved, that the transaction is still a transaction (atomic, read-only when asked, holding its
 * locks, one transaction for all its statements), that a START TRANSACTION that fails stops the
 * statement behind it, and that a block that runs nothing sends nothing and leaves nothing behind.
 */
describe('mysql: a transaction begins with its first statement', function () {
  this.timeout(30_000);
  closeDatabasesAfterEach();
  afterEach(closeOpened);

  let table: string;
  let SELECT_FOR_UPDATE: string;
  let UPDATE: string;
  let INSERT: string;
  let admin: mysqlPromise.Connection;

  beforeEach(async () => {
    table = uniqueTable('begin_first');
    SELECT_FOR_UPDATE = `SELECT id, n FROM ${table} WHERE id = ? FOR UPDATE`;
    UPDATE = `UPDATE ${table} SET n = ? WHERE id = ?`;
    INSERT = `INSERT INTO ${table} (id, n) VALUES (?, ?)`;
    admin = await mysqlPromise.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' });
    await admin.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, n INT NOT NULL, s VARCHAR(20) NULL) ENGINE=InnoDB`);
    await admin.query(`INSERT INTO ${table} (id, n) VALUES (1, 0), (2, 0), (3, 0)`);
  });
  afterEach(async () => {
    await admin.query(`DROP TABLE IF EXISTS ${table}`);
    await admin.end();
  });

  /** The ids committed in the table, read on the separate admin connection. */
  const committedIds = async (): Promise<number[]> => {
    const [rows] = await admin.query(`SELECT id FROM ${table} ORDER BY id`);
    return (rows as { id: number }[]).map((row) => row.id);
  };
  const counterOf = async (id: number): Promise<number | undefined> => {
    const [rows] = await admin.query(`SELECT n FROM ${table} WHERE id = ?`, [id]);
    return (rows as { n: number }[])[0]?.n;
  };
  /** `@@in_transaction` of the next statement `db` runs outside any block. */
  const inTransaction = async (db: Database): Promise<number> => Number((await db.query<{ t: unknown }>('SELECT @@in_transaction AS t')).rows[0]?.t);

  /**
   * A one-connection database (so every block runs on the connection counted), with no ping on
   * borrow (it would add a round trip); returns the pool's mysql2 connection.
   */
  async function openOne(extra: Record<string, unknown> = {}): Promise<{ db: Database; conn: MysqlConnection }> {
    const spy = spyOnConnections();
    let db: Database;
    try {
      db = openDatabase(mariadb, { pool: { max: 1, validateAfterIdleMs: 3_600_000 }, ...extra }).db;
      await db.query('SELECT 1');
    } finally {
      spy.restore();
    }
    expect(spy.connections.size, 'connections the pool opened').to.equal(1);
    const [conn] = spy.connections;
    return { db, conn: conn as MysqlConnection };
  }

  it('a block of two statements costs 3 round trips (START TRANSACTION with the first, the second, COMMIT); 4 when the first cannot carry it (a ";" in its text, or a prepared statement)', async () => {
    const { db, conn } = await openOne();
    const increment = (select: string): Promise<void> =>
      db.atomic(async () => {
        const { rows } = await db.query<{ n: number }>(select, [1]);
        await db.query(UPDATE, [(rows[0]?.n ?? -100) + 1, 1]);
      });

    let counts = countRoundTrips(conn);
    await increment(SELECT_FOR_UPDATE);
    expect(counts.trips(), 'round trips: START TRANSACTION+SELECT, UPDATE, COMMIT').to.equal(3);
    // SET_OPTION on (the connection's first combined query) and the combined query leave in one write.
    expect(counts.writes(), 'writes').to.equal(3);
    expect(await counterOf(1)).to.equal(1);

    // A ';' in a string literal: the statement cannot be put behind START TRANSACTION in one query.
    counts = countRoundTrips(conn);
    await increment(`SELECT ';' AS s, id, n FROM ${table} WHERE id = ? FOR UPDATE`);
    expect(counts.trips(), 'round trips: START TRANSACTION, SELECT, UPDATE, COMMIT').to.equal(4);
    expect(await counterOf(1)).to.equal(2);

    // Multi-statement mode, on since the combined query, goes off before any statement with a ';':
    // two statements in one query are refused as usual.
    expect((await caught(db.query('SELECT 1; SELECT 2'))).code).to.equal('ER_PARSE_ERROR');
    expect(await inTransaction(db)).to.equal(0);

    // Prepared statements (binary protocol) go alone, after START TRANSACTION. Both ran once outside
    // a transaction first, so the block does not pay for their COM_STMT_PREPARE.
    const prepared = await openOne({ statementCacheSize: 100 });
    await prepared.db.query(SELECT_FOR_UPDATE, [1]);
    await prepared.db.query(UPDATE, [0, 999]);
    counts = countRoundTrips(prepared.conn);
    await prepared.db.atomic(async () => {
      const { rows } = await prepared.db.query<{ n: number }>(SELECT_FOR_UPDATE, [1]);
      await prepared.db.query(UPDATE, [(rows[0]?.n ?? -100) + 1, 1]);
    });
    expect(counts.trips(), 'prepared: START TRANSACTION, SELECT, UPDATE, COMMIT').to.equal(4);
    expect(await counterOf(1)).to.equal(3);
    expect(db.stats().inUse + prepared.db.stats().inUse).to.equal(0);
  });

  it('an INSERT sent with START TRANSACTION is rolled back when the block throws', async () => {
    const { db, conn } = await openOne();
    const counts = countRoundTrips(conn);
    const error = await caught(
      db.atomic(async () => {
        await db.query(INSERT, [10, 0]);
        // Visible inside the transaction, not yet from another connection.
        expect((await db.query(`SELECT id FROM ${table} WHERE id = ?`, [10])).rows).to.deep.equal([{ id: 10 }]);
        expect(await committedIds()).to.deep.equal([1, 2, 3]);
        throw Object.assign(new Error('block fails'), { code: 'BLOCK' });
      }),
    );
    expect(error.code).to.equal('BLOCK');
    // The ROLLBACK undid it: the INSERT ran inside the transaction.
    expect(await committedIds()).to.deep.equal([1, 2, 3]);
    expect(counts.trips(), 'START TRANSACTION+INSERT, SELECT, ROLLBACK').to.equal(3);
    expect(db.stats().inUse).to.equal(0);
    expect(await inTransaction(db)).to.equal(0);
  });

  it('a first statement that fails (duplicate key) commits nothing, rejects with ER_DUP_ENTRY, and leaves the connection usable and idle', async () => {
    const { db } = await openOne();
    const error = await caught(db.atomic(() => db.query(INSERT, [1, 0])));
    expect(error.code).to.equal('ER_DUP_ENTRY');
    expect(db.stats().inUse).to.equal(0);
    expect(await inTransaction(db)).to.equal(0);

    // MySQL keeps a transaction open after a failed statement: a block that swallows the failure
    // goes on inside it, so its next write is undone with it. Had the failed statement run without
    // START TRANSACTION, the second INSERT would have been committed at once.
    const swallowed = await caught(
      db.atomic(async () => {
        expect((await caught(db.query(INSERT, [2, 0]))).code).to.equal('ER_DUP_ENTRY');
        await db.query(INSERT, [20, 0]);
        expect(Number((await db.query<{ t: unknown }>('SELECT @@in_transaction AS t')).rows[0]?.t)).to.equal(1);
        throw Object.assign(new Error('undo'), { code: 'UNDO' });
      }),
    );
    expect(swallowed.code).to.equal('UNDO');
    expect(await committedIds()).to.deep.equal([1, 2, 3]);

    // The connection serves the next transaction, and the next statement outside one.
    await db.atomic(() => db.query(INSERT, [30, 0]));
    expect(await committedIds()).to.deep.equal([1, 2, 3, 30]);
    expect(await inTransaction(db)).to.equal(0);
    expect(db.stats().inUse).to.equal(0);
  });

  it('db.atomic({ readOnly: true }) carries START TRANSACTION READ ONLY: a write fails with ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION, reads work', async () => {
    const { db, conn } = await openOne();
    let counts = countRoundTrips(conn);
    const error = await caught(db.atomic({ readOnly: true }, () => db.query(INSERT, [10, 0])));
    expect(error.errno).to.equal(1792);
    expect(error.code).to.equal('ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION');
    // The refused write's ERR packet carries no status flags: inside a transaction a COM_PING
    // reads them before the block goes on.
    expect(counts.trips(), 'START TRANSACTION READ ONLY+INSERT, PING, ROLLBACK').to.equal(3);
    expect(await committedIds()).to.deep.equal([1, 2, 3]);

    // A read first (it carries the START TRANSACTION READ ONLY), then a write: still refused, so
    // the read-only mode really came with the first statement.
    counts = countRoundTrips(conn);
    const later = await caught(
      db.atomic({ readOnly: true }, async () => {
        const { rows } = await db.query<{ n: number; t: unknown }>(`SELECT n, @@in_transaction AS t FROM ${table} WHERE id = ?`, [2]);
        expect(rows.map((row) => [row.n, Number(row.t)])).to.deep.equal([[0, 1]]);
        await db.query(UPDATE, [5, 2]);
      }),
    );
    expect(later.errno).to.equal(1792);
    expect(counts.trips(), 'START TRANSACTION READ ONLY+SELECT, UPDATE, PING, ROLLBACK').to.equal(4);
    expect(await counterOf(2)).to.equal(0);

    // The next transaction is read-write again.
    await db.atomic(() => db.query(UPDATE, [7, 2]));
    expect(await counterOf(2)).to.equal(7);
    expect(db.stats().inUse).to.equal(0);
  });

  it('a block that runs no statement sends nothing: empty, or throwing before its first statement', async () => {
    const { db, conn } = await openOne();
    const counts = countRoundTrips(conn);
    expect(await db.atomic(async () => 'empty')).to.equal('empty');
    expect(await db.atomic({ readOnly: true }, () => 'read-only and empty')).to.equal('read-only and empty');
    expect(counts.writes(), 'writes for empty blocks').to.equal(0);

    const error = await caught(
      db.atomic(async () => {
        throw Object.assign(new Error('before any statement'), { code: 'EARLY' });
      }),
    );
    expect(error.code).to.equal('EARLY');
    expect(error.message).to.equal('before any statement');
    expect(counts.writes(), 'writes for a block that threw before any statement').to.equal(0);
    expect(db.stats().inUse).to.equal(0);

    // Nothing left over: the next statement runs alone, committed at once.
    await db.query(INSERT, [10, 0]);
    expect(counts.trips()).to.equal(1);
    expect(await committedIds()).to.deep.equal([1, 2, 3, 10]);
    expect(await inTransaction(db)).to.equal(0);
  });

  it('a deferred START TRANSACTION never outlives its block: in db.session(), the next statement runs outside any transaction', async () => {
    const { db, conn } = await openOne();
    await db.session(async () => {
      const counts = countRoundTrips(conn);
      await db.atomic(async () => {});
      // A statement that could carry a leftover START TRANSACTION: committed at once, visible to
      // another connection while the session still holds this one.
      await db.query(INSERT, [10, 0]);
      expect(await committedIds()).to.deep.equal([1, 2, 3, 10]);
      expect(await inTransaction(db)).to.equal(0);

      await caught(
        db.atomic(() => {
          throw new Error('early');
        }),
      );
      await db.query(INSERT, [11, 0]);
      expect(await committedIds()).to.deep.equal([1, 2, 3, 10, 11]);
      expect(await inTransaction(db)).to.equal(0);
      // Two INSERTs and two SELECTs, nothing else (no START TRANSACTION, COMMIT or ROLLBACK).
      expect(counts.trips()).to.equal(4);

      // After a block that ran statements, too.
      await db.atomic(() => db.query(INSERT, [12, 0]));
      expect(await inTransaction(db)).to.equal(0);
      await db.query(INSERT, [13, 0]);
      expect(await committedIds()).to.deep.equal([1, 2, 3, 10, 11, 12, 13]);
    });
    expect(db.stats().inUse).to.equal(0);
  });

  describe('a first statement whose values cannot be encoded sends nothing, and START TRANSACTION goes with the next statement', () => {
    const cases: readonly (readonly [string, () => unknown, (error: Caught) => void])[] = [
      ['a value unipool refuses (a Symbol)', () => Symbol('not a value'), (error) => expect(error.code).to.equal('UNIPOOL_INVALID_ARGUMENT')],
      [
        "a value mysql2's escaping throws on (a Date that cannot be formatted)",
        () =>
          Object.assign(new Date(), {
            getFullYear(): number {
              throw new Error('cannot encode');
            },
          }),
        (error) => expect(error.message).to.contain('cannot encode'),
      ],
    ];
    for (const [what, value, check] of cases) {
      it(what, async () => {
        const { db, conn } = await openOne();
        const counts = countRoundTrips(conn);
        let refused: Caught = {};
        let writesForRefused = -1;
        let inside: unknown;
        const error = await caught(
          db.atomic(async () => {
            refused = await caught(db.query(INSERT, [50, value()]));
            writesForRefused = counts.writes();
            // The transaction has still to begin: this INSERT carries it, so the throw undoes it.
            await db.query(INSERT, [40, 0]);
            inside = Number((await db.query<{ t: unknown }>('SELECT @@in_transaction AS t')).rows[0]?.t);
            throw Object.assign(new Error('undo'), { code: 'UNDO' });
          }),
        );
        expect(error.code).to.equal('UNDO');
        check(refused);
        expect(await committedIds(), 'rows committed by the block that was rolled back').to.deep.equal([1, 2, 3]);
        expect(inside, '@@in_transaction of the statement after the refused one').to.equal(1);
        expect(writesForRefused, 'writes for the statement that could not be encoded').to.equal(0);
        expect(counts.trips(), 'START TRANSACTION+INSERT, SELECT, ROLLBACK').to.equal(3);
        expect(db.stats().inUse).to.equal(0);
        expect(await inTransaction(db)).to.equal(0);
        // Multi-statement mode is off.
        expect((await caught(db.query('SELECT 1; SELECT 2'))).code).to.equal('ER_PARSE_ERROR');
      });
    }
  });

  it('concurrent blocks locking the same row (SELECT … FOR UPDATE sent with START TRANSACTION) serialise: no increment is lost', async () => {
    const spy = spyOnConnections();
    let db: Database;
    try {
      db = openDatabase(mariadb, { pool: { max: 10, validateAfterIdleMs: 3_600_000 } }).db;
      // Ten blocks held open at once, so the pool opens all ten connections before counting.
      let started = 0;
      let allStarted: () => void = () => {};
      const all = new Promise<void>((resolve) => (allStarted = resolve));
      await Promise.all(
        Array.from({ length: 10 }, () =>
          db.atomic(async () => {
            if (++started === 10) allStarted();
            await all;
          }),
        ),
      );
    } finally {
      spy.restore();
    }
    expect(spy.connections.size).to.equal(10);
    const counts = [...spy.connections].map((conn) => countRoundTrips(conn));
    const BLOCKS = 20;
    await Promise.all(
      Array.from({ length: BLOCKS }, () =>
        db.atomic(async () => {
          // Read, then write what was read plus one: only the row lock, taken by the statement sent
          // with START TRANSACTION and held to COMMIT, keeps two blocks from writing the same value.
          const { rows } = await db.query<{ n: number }>(SELECT_FOR_UPDATE, [1]);
          await db.query(UPDATE, [(rows[0]?.n ?? -1000) + 1, 1]);
        }),
      ),
    );
    expect(await counterOf(1)).to.equal(BLOCKS);
    // Every block took the combined path: 3 round trips each.
    expect(counts.reduce((sum, count) => sum + count.trips(), 0)).to.equal(3 * BLOCKS);
    expect(db.stats().inUse).to.equal(0);
  });

  it('the statements of a block share one transaction: the snapshot the first statement (sent with START TRANSACTION) read is the one the later statements read', async () => {
    const { db } = await openOne();
    const READ = `SELECT n, @@in_transaction AS t FROM ${table} WHERE id = ?`;
    const seen = await db.atomic(async () => {
      // A plain read: under REPEATABLE READ it fixes the transaction's snapshot.
      const first = (await db.query<{ n: number; t: unknown }>(READ, [2])).rows[0];
      // Committed by another connection after that read…
      await admin.query(`UPDATE ${table} SET n = 5 WHERE id = 2`);
      await db.query(INSERT, [10, 0]);
      // …so not seen here: this read belongs to the transaction the first statement started. Had
      // the first statement run on its own, the snapshot would start at this block's later reads.
      const second = (await db.query<{ n: number; t: unknown }>(READ, [2])).rows[0];
      const own = (await db.query<{ n: number; t: unknown }>(READ, [10])).rows[0];
      expect(await committedIds()).to.deep.equal([1, 2, 3]);
      return [first, second, own].map((row) => [row?.n, Number(row?.t)]);
    });
    expect(seen).to.deep.equal([
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
    expect(await committedIds()).to.deep.equal([1, 2, 3, 10]);
    expect(await counterOf(2)).to.equal(5);
    // Outside the block, no transaction stays open, and a read sees the latest data.
    expect(await inTransaction(db)).to.equal(0);
    expect((await db.query(READ, [2])).rows).to.deep.equal([{ n: 5, t: 0 }]);
  });

  describe('a START TRANSACTION that fails keeps the statement behind it from running', () => {
    /** Resolves once the server no longer lists the connection's thread (it has read all it was sent). */
    const threadGone = (threadId: number | null): Promise<void> =>
      until(async () => {
        const [rows] = await admin.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ?', [threadId]);
        return Number((rows as { n: unknown }[])[0]?.n) === 0;
      }, `thread ${String(threadId)} gone`);

    it('carried in one query with the statement: the statement fails with the syntax error, and the connection stays usable, idle, in single-statement mode', async () => {
      const conn = await openConnection();
      await adapter.begin(conn, {});
      expect(connectionState(conn).deferredBegin).to.equal('START TRANSACTION');
      expect(adapter.transactionState(conn)).to.equal('active');
      connectionState(conn).deferredBegin = 'START TRANSACTION BOGUS';
      const error = await caught(adapter.query(conn, INSERT, [50, 0]));
      expect(error.code).to.equal('ER_PARSE_ERROR');
      expect(error.message).to.contain('BOGUS');
      expect(await committedIds()).to.deep.equal([1, 2, 3]);
      expect(adapter.isUsable(conn)).to.equal(true);
      expect(adapter.transactionState(conn)).to.equal('idle');
      expect((await adapter.query(conn, 'SELECT @@in_transaction AS t')).rows).to.deep.equal([{ t: 0 }]);
      expect((await caught(adapter.query(conn, 'SELECT 1; SELECT 2'))).code).to.equal('ER_PARSE_ERROR');
      // The statement runs fine once START TRANSACTION is not in front of it.
      await adapter.query(conn, INSERT, [50, 0]);
      expect(await committedIds()).to.deep.equal([1, 2, 3, 50]);
    });

    it('queued alone ahead of a statement that cannot carry it: the statement never runs, and the connection is reported broken', async () => {
      const conn = await openConnection();
      const threadId = conn.threadId;
      await adapter.begin(conn, {});
      connectionState(conn).deferredBegin = 'START TRANSACTION BOGUS';
      const error = await caught(adapter.query(conn, `INSERT INTO ${table} (id, n, s) VALUES (?, ?, ';')`, [50, 0]));
      expect(error.code).to.equal('ER_PARSE_ERROR');
      expect(error.message).to.contain('BOGUS');
      expect(adapter.isUsable(conn)).to.equal(false);
      expect(adapter.isBroken(conn, error)).to.equal(true);
      // Whatever the client wrote before closing, the server has read it all once the thread is gone.
      await threadGone(threadId);
      expect(await committedIds()).to.deep.equal([1, 2, 3]);
    });

    it('queued alone ahead of statements already waiting behind it: every one of them fails, none runs', async () => {
      const conn = await openConnection();
      const threadId = conn.threadId;
      await adapter.begin(conn, {});
      connectionState(conn).deferredBegin = 'START TRANSACTION BOGUS';
      // Three statements issued at once: START TRANSACTION goes ahead of the first, the other two queue behind it.
      const outcomes = await Promise.all([50, 51, 52].map((id) => caught(adapter.query(conn, `INSERT INTO ${table} (id, n, s) VALUES (?, ?, ';')`, [id, 0]))));
      expect(outcomes.map((outcome) => outcome.code)).to.deep.equal(['ER_PARSE_ERROR', 'ER_PARSE_ERROR', 'ER_PARSE_ERROR']);
      expect(adapter.isUsable(conn)).to.equal(false);
      await threadGone(threadId);
      expect(await committedIds()).to.deep.equal([1, 2, 3]);
    });
  });

  it('a nested db.atomic() (savepoint) as the first thing in a block runs inside the transaction', async () => {
    const { db } = await openOne();
    const error = await caught(
      db.atomic(async () => {
        await db.atomic(async () => {
          await db.query(INSERT, [60, 0]);
        });
        // Committed to the savepoint only: not visible outside.
        expect(await committedIds()).to.deep.equal([1, 2, 3]);
        throw Object.assign(new Error('undo'), { code: 'UNDO' });
      }),
    );
    expect(error.code).to.equal('UNDO');
    expect(await committedIds()).to.deep.equal([1, 2, 3]);

    // An inner block that fails is rolled back to its savepoint; the outer block commits the rest.
    await db.atomic(async () => {
      await caught(
        db.atomic(async () => {
          await db.query(INSERT, [61, 0]);
          throw new Error('inner fails');
        }),
      );
      await db.query(INSERT, [62, 0]);
    });
    expect(await committedIds()).to.deep.equal([1, 2, 3, 62]);
    expect(db.stats().inUse).to.equal(0);
    expect(await inTransaction(db)).to.equal(0);
  });

  it('db.stream() as the first statement of a block runs inside the transaction: its row locks are held, and it is undone with the block', async () => {
    const { db } = await openOne();
    const error = await caught(
      db.atomic(async () => {
        const streamed: unknown[] = [];
        for await (const row of db.stream<{ id: number; t: unknown }>(`SELECT id, @@in_transaction AS t FROM ${table} WHERE id <= ? ORDER BY id FOR UPDATE`, [2])) {
          streamed.push([row.id, Number(row.t)]);
        }
        expect(streamed).to.deep.equal([
          [1, 1],
          [2, 1],
        ]);
        // The locks the stream took are held by the block's transaction: another connection cannot take them.
        const locked = await caught(admin.query(`SELECT id FROM ${table} WHERE id = 1 FOR UPDATE NOWAIT`));
        expect(locked.errno).to.equal(1205);
        await db.query(UPDATE, [9, 1]);
        throw Object.assign(new Error('undo'), { code: 'UNDO' });
      }),
    );
    expect(error.code).to.equal('UNDO');
    expect(await counterOf(1)).to.equal(0);
    expect(db.stats().inUse).to.equal(0);
    expect(await inTransaction(db)).to.equal(0);
  });

  it('a db.mysqlPool() command as the first statement of a block runs inside the transaction and is rolled back with it', async () => {
    const { db } = await openOne();
    const pool = db.mysqlPool().promise();
    const error = await caught(
      db.atomic(async () => {
        await pool.query(INSERT, [70, 0]);
        const [rows] = await pool.query('SELECT @@in_transaction AS t');
        expect((rows as { t: unknown }[]).map((row) => Number(row.t))).to.deep.equal([1]);
        expect(await committedIds()).to.deep.equal([1, 2, 3]);
        throw Object.assign(new Error('undo'), { code: 'UNDO' });
      }),
    );
    expect(error.code).to.equal('UNDO');
    expect(await committedIds()).to.deep.equal([1, 2, 3]);

    // The same through a lent connection's callback API, then committed.
    await db.atomic(async () => {
      await new Promise<void>((resolve, reject) => {
        db.mysqlPool().getConnection((failed, connection) => {
          if (failed || connection === undefined) return reject(failed ?? new Error('no connection'));
          connection.query(INSERT, [71, 0], (queryError) => {
            connection.release();
            if (queryError) reject(queryError);
            else resolve();
          });
        });
      });
      expect(await committedIds()).to.deep.equal([1, 2, 3]);
    });
    expect(await committedIds()).to.deep.equal([1, 2, 3, 71]);
    expect(db.stats().inUse).to.equal(0);
    expect(await inTransaction(db)).to.equal(0);
  });
});
