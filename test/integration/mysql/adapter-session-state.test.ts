import { expect } from 'chai';
import type { SessionStateChange } from '../../../src/adapter.js';
import { mysqlAdapter as adapter } from '../../../adapters/mysql/index.js';
import { closeOpened, openConnection } from './adapter-test-settings.js';

const TABLE = 't_mysqladapter_session';

/** A statement, what ran before it on the same connection, and what the adapter must report. */
interface Case {
  readonly sql: string;
  readonly before?: readonly string[];
  readonly expected: SessionStateChange | undefined;
}

/** What the adapter says when the server reports only that the session changed. */
const CHANGED = 'a variable, temporary table or prepared statement; the server does not say which';
const error = (statement: string): SessionStateChange => ({ statement, outsideSession: 'error' });
const reset = (statement: string): SessionStateChange => ({ statement, outsideSession: 'reset' });

// Observed on MariaDB 10.11 with session_track_state_change = ON; docs/engines/mysql.md has the same table.
const detected: readonly Case[] = [
  { sql: 'SET @x = 1', expected: error(CHANGED) },
  { sql: 'SET @x = NULL', expected: error(CHANGED) },
  { sql: 'SET @a = 1, @b = 2', expected: error(CHANGED) },
  { sql: "SET SESSION sql_mode = 'ANSI'", expected: error(CHANGED) },
  { sql: 'SET SESSION wait_timeout = 1000', expected: error(CHANGED) },
  { sql: "SET time_zone = '+01:00'", expected: error('SET time_zone') },
  { sql: 'SET autocommit = 0', expected: error('SET autocommit') },
  { sql: 'SET NAMES latin1', expected: error('SET character_set_client, character_set_connection, character_set_results') },
  { sql: 'SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE', expected: error(CHANGED) },
  { sql: 'USE mysql', expected: error('USE mysql') },
  { sql: 'CREATE TEMPORARY TABLE tmp_unipool_a (id INT)', expected: error(CHANGED) },
  { sql: 'DROP TEMPORARY TABLE tmp_unipool_b', before: ['CREATE TEMPORARY TABLE tmp_unipool_b (id INT)'], expected: error(CHANGED) },
  { sql: "PREPARE unipool_stmt FROM 'SELECT 1'", expected: error(CHANGED) },
  { sql: 'DEALLOCATE PREPARE unipool_stmt', before: ["PREPARE unipool_stmt FROM 'SELECT 1'"], expected: error(CHANGED) },
  { sql: `SET STATEMENT max_statement_time = 10 FOR INSERT INTO ${TABLE} VALUES (1)`, expected: reset(CHANGED) },
  { sql: `SET STATEMENT max_statement_time = 10 FOR DELETE FROM ${TABLE} WHERE id < 0`, expected: error(CHANGED) },
  { sql: 'SET STATEMENT max_statement_time = 10 FOR SELECT 1', expected: reset(CHANGED) },
];

// Session state the server does not report: documented as not detected.
const undetected: readonly Case[] = [
  { sql: 'SELECT 1', expected: undefined },
  { sql: "SELECT GET_LOCK('unipool-session-test', 0) AS got", expected: undefined },
  { sql: `LOCK TABLES ${TABLE} READ`, expected: undefined },
  { sql: 'SELECT @v := 1 AS v', expected: undefined },
  { sql: 'SELECT 1 INTO @v', expected: undefined },
  { sql: 'DO @v := 1', expected: undefined },
  { sql: 'CREATE TEMPORARY TABLE tmp_unipool_c AS SELECT 1 AS id', expected: undefined },
  { sql: 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE', expected: undefined },
  { sql: 'SET TRANSACTION READ ONLY', expected: undefined },
  { sql: 'EXECUTE unipool_stmt', before: ["PREPARE unipool_stmt FROM 'SELECT 1'"], expected: undefined },
  { sql: 'INSERT INTO tmp_unipool_d VALUES (1)', before: ['CREATE TEMPORARY TABLE tmp_unipool_d (id INT)'], expected: undefined },
];

describe('mysql adapter: session-state detection (SERVER_SESSION_STATE_CHANGED)', () => {
  afterEach(closeOpened);

  before(async () => {
    const conn = await openConnection();
    await adapter.query(conn, `CREATE TABLE IF NOT EXISTS ${TABLE} (id INT) ENGINE=InnoDB`);
    await closeOpened();
  });

  after(async () => {
    const conn = await openConnection();
    await adapter.query(conn, `DROP TABLE IF EXISTS ${TABLE}`);
    await closeOpened();
  });

  for (const { sql, before = [], expected } of detected) {
    it(`reports ${sql} as ${expected?.outsideSession ?? 'nothing'} "${expected?.statement ?? ''}"`, async () => {
      const conn = await openConnection();
      for (const statement of before) await adapter.query(conn, statement);
      const result = await adapter.query(conn, sql);
      expect(result.sessionState).to.deep.equal(expected);
    });
  }

  for (const { sql, before = [] } of undetected) {
    it(`does not detect ${sql} (the server reports no change)`, async () => {
      const conn = await openConnection();
      for (const statement of before) await adapter.query(conn, statement);
      const result = await adapter.query(conn, sql);
      expect(result).not.to.have.property('sessionState');
    });
  }

  it('reports a change made inside a transaction too, and leaves the transaction state alone', async () => {
    const conn = await openConnection();
    await adapter.begin(conn, {});
    const result = await adapter.query(conn, 'SET @inside = 1');
    expect(result.sessionState).to.deep.equal(error(CHANGED));
    expect(adapter.transactionState(conn)).to.equal('active');
    await adapter.rollback(conn);
  });

  it('reports nothing for the statements the adapter runs itself (begin, savepoints, commit)', async () => {
    const conn = await openConnection();
    await adapter.begin(conn, { isolation: 'read committed', readOnly: true });
    await adapter.savepoint(conn, 'a');
    await adapter.rollbackToSavepoint(conn, 'a');
    await adapter.releaseSavepoint(conn, 'a');
    await adapter.commit(conn);
    const result = await adapter.query(conn, 'SELECT 1 AS one');
    expect(result).not.to.have.property('sessionState');
  });

  it('keeps detecting after a reset, which re-enables session tracking', async () => {
    const conn = await openConnection();
    await adapter.query(conn, 'SET session_track_state_change = OFF');
    expect(await adapter.query(conn, 'SET @quiet = 1')).not.to.have.property('sessionState');
    await adapter.reset(conn);
    expect((await adapter.query(conn, 'SET @loud = 1')).sessionState).to.deep.equal(error(CHANGED));
  });
});
