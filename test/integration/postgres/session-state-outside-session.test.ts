import { expect } from 'chai';
import type { Database } from '../../../src/index.js';
import { backendPid, closePoolsAfterEach, openPool, useServerView } from './server-view.js';
import { withDocsLink } from '../../support/docs-link.js';

type Caught = { code?: string; message?: string };
const caught = (promise: Promise<unknown>): Promise<Caught> => promise.then(() => ({}), (error: unknown) => error as Caught);

const outsideSession = (tag: string): string =>
  withDocsLink(
    'UNIPOOL_SESSION_STATE_OUTSIDE_SESSION',
    `unipool: pool "default": the statement changed session state (${tag}), but outside db.session() the next query may run on another connection, so the connection was reset. Run it inside db.session(async () => { … }), or set it in the connection options.`,
  );

const rowsOf = async (db: Database, sql: string): Promise<unknown[]> => (await db.query(sql)).rows;

/** What the next borrower of the (only) connection sees, for each kind of session state. */
const nextBorrowerSees = {
  statementTimeout: (db: Database) => rowsOf(db, 'SHOW statement_timeout'),
  channels: (db: Database) => rowsOf(db, 'SELECT pg_listening_channels() AS channel'),
  prepared: (db: Database) => rowsOf(db, 'SELECT name FROM pg_prepared_statements'),
  cursors: (db: Database) => rowsOf(db, 'SELECT name FROM pg_cursors'),
  tempTable: (db: Database) => rowsOf(db, "SELECT to_regclass('pg_temp.pgit_tmp')::text AS found"),
};

interface Case {
  readonly sql: string;
  /** The command tag the message names. */
  readonly tag: string;
  readonly check?: (db: Database) => Promise<unknown[]>;
  readonly expected?: unknown[];
}

// `options.statement_timeout` makes 4321 ms the session default, so "reset" is observable: it must
// come back to 4321ms, not to the server's 0.
const CASES: readonly Case[] = [
  { sql: "SET statement_timeout = '1234ms'", tag: 'SET', check: nextBorrowerSees.statementTimeout, expected: [{ statement_timeout: '4321ms' }] },
  { sql: "SET SESSION statement_timeout = '1s'; SELECT 1", tag: 'SET', check: nextBorrowerSees.statementTimeout, expected: [{ statement_timeout: '4321ms' }] },
  { sql: 'RESET statement_timeout', tag: 'RESET', check: nextBorrowerSees.statementTimeout, expected: [{ statement_timeout: '4321ms' }] },
  { sql: 'LISTEN pgit_channel', tag: 'LISTEN', check: nextBorrowerSees.channels, expected: [] },
  { sql: 'PREPARE pgit_plan AS SELECT 1', tag: 'PREPARE', check: nextBorrowerSees.prepared, expected: [] },
  { sql: 'DECLARE pgit_cursor CURSOR WITH HOLD FOR SELECT 1', tag: 'DECLARE CURSOR', check: nextBorrowerSees.cursors, expected: [] },
  { sql: "LOAD 'plpgsql'", tag: 'LOAD' },
];

describe('postgres: session state outside session() never reaches the next borrower', () => {
  closePoolsAfterEach();
  const server = useServerView();

  for (const { sql, tag, check, expected } of CASES) {
    it(`${sql} → UNIPOOL_SESSION_STATE_OUTSIDE_SESSION, connection reset (not destroyed), next borrower sees the default`, async () => {
      const { db, name } = openPool({ pool: { max: 1 }, options: { statement_timeout: 4321 } });
      const pid = await backendPid(db);
      const error = await caught(db.query(sql));
      expect(error).to.include({ code: 'UNIPOOL_SESSION_STATE_OUTSIDE_SESSION', message: outsideSession(tag) });
      expect(db.stats().inUse).to.equal(0);
      // The server saw the reset on the same backend before the connection went back to the pool.
      expect(await server().backends(name)).to.deep.equal([{ pid, state: 'idle', xid: null, query: 'DISCARD ALL' }]);
      if (check !== undefined) expect(await check(db)).to.deep.equal(expected);
      expect(await backendPid(db)).to.equal(pid);
      expect(db.stats().destroyed).to.equal(0);
    });
  }

  it('CREATE TEMP TABLE → no error, silently reset: the table is gone for the next borrower', async () => {
    const { db, name } = openPool({ pool: { max: 1 } });
    const pid = await backendPid(db);
    expect((await db.query('CREATE TEMP TABLE pgit_tmp (id INTEGER)')).rowCount).to.equal(0);
    expect(await server().backends(name)).to.deep.equal([{ pid, state: 'idle', xid: null, query: 'DISCARD ALL' }]);
    expect(await nextBorrowerSees.tempTable(db)).to.deep.equal([{ found: null }]);
    expect(await backendPid(db)).to.equal(pid);
  });

  it('SELECT … INTO a temp table → no error, gone for the next borrower', async () => {
    const { db } = openPool({ pool: { max: 1 } });
    await db.query('SELECT 1 AS id INTO TEMP pgit_tmp');
    expect(await nextBorrowerSees.tempTable(db)).to.deep.equal([{ found: null }]);
  });

  it('inside atomic(): SET LOCAL applies to the transaction, and even a session-wide SET is reset afterwards', async () => {
    const { db } = openPool({ pool: { max: 1 } });
    const before = await nextBorrowerSees.statementTimeout(db);
    await db.atomic(async () => {
      await db.query("SET LOCAL statement_timeout = '2345ms'");
      expect(await nextBorrowerSees.statementTimeout(db)).to.deep.equal([{ statement_timeout: '2345ms' }]);
      await db.query("SET lock_timeout = '3456ms'");
    });
    expect(await nextBorrowerSees.statementTimeout(db)).to.deep.equal(before);
    expect(await rowsOf(db, 'SHOW lock_timeout')).to.not.deep.equal([{ lock_timeout: '3456ms' }]);
  });

  it('inside session(): SET, LISTEN, PREPARE, DECLARE WITH HOLD, temp tables and advisory locks all work, and are gone afterwards', async () => {
    const { db, name } = openPool({ pool: { max: 1 } });
    const pid = await backendPid(db);
    const lockKey = 7_000_000 + (process.pid % 1_000_000);
    const locksOf = (): Promise<unknown[]> => server().query("SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND pid = $1 AND granted", [pid]);

    await db.session(async () => {
      await db.query("SET statement_timeout = '1234ms'");
      await db.query('LISTEN pgit_channel');
      await db.query('PREPARE pgit_plan AS SELECT 42 AS answer');
      await db.query('DECLARE pgit_cursor CURSOR WITH HOLD FOR SELECT 7 AS seven');
      await db.query('CREATE TEMP TABLE pgit_tmp (id INTEGER)');
      await db.query('INSERT INTO pgit_tmp (id) VALUES (1)');
      await db.query('SELECT pg_advisory_lock($1)', [lockKey]);

      expect(await nextBorrowerSees.statementTimeout(db)).to.deep.equal([{ statement_timeout: '1234ms' }]);
      expect(await nextBorrowerSees.channels(db)).to.deep.equal([{ channel: 'pgit_channel' }]);
      expect(await rowsOf(db, 'EXECUTE pgit_plan')).to.deep.equal([{ answer: 42 }]);
      expect(await rowsOf(db, 'FETCH 1 FROM pgit_cursor')).to.deep.equal([{ seven: 7 }]);
      expect(await rowsOf(db, 'SELECT id FROM pgit_tmp')).to.deep.equal([{ id: 1 }]);
      expect(await locksOf()).to.deep.equal([{ objid: lockKey }]);
      expect(await server().backends(name)).to.have.length(1);
    });

    expect(db.stats().inUse).to.equal(0);
    expect(await locksOf()).to.deep.equal([]);
    expect(await nextBorrowerSees.statementTimeout(db)).to.not.deep.equal([{ statement_timeout: '1234ms' }]);
    expect(await nextBorrowerSees.channels(db)).to.deep.equal([]);
    expect(await nextBorrowerSees.prepared(db)).to.deep.equal([]);
    expect(await nextBorrowerSees.cursors(db)).to.deep.equal([]);
    expect(await nextBorrowerSees.tempTable(db)).to.deep.equal([{ found: null }]);
    // Reset, not destroyed: the same backend.
    expect(await backendPid(db)).to.equal(pid);
  });
});
