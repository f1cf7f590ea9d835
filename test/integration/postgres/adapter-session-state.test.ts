import { expect } from 'chai';
import type { SessionStateChange } from '../../../src/adapter.js';
import { postgresAdapter as adapter, type PgConnection } from '../../../adapters/postgres/index.js';
import { OpenConnections } from './adapter-support.js';

const error = (statement: string): SessionStateChange => ({ statement, outsideSession: 'error' });
const reset = (statement: string): SessionStateChange => ({ statement, outsideSession: 'reset' });

describe('postgres adapter: session-state detection from command tags', () => {
  const connections = new OpenConnections();
  const table = `t_pgadapter_state_${process.pid}`;
  let conn: PgConnection;

  before(async () => {
    conn = await connections.open();
    await adapter.query(conn, `DROP TABLE IF EXISTS ${table}, ${table}_ctas`);
  });
  afterEach(async () => {
    await adapter.reset(conn);
  });
  after(async () => {
    await adapter.query(conn, `DROP TABLE IF EXISTS ${table}, ${table}_ctas`);
    await connections.closeAll();
  });

  const cases: ReadonlyArray<readonly [string, SessionStateChange | undefined]> = [
    ["SET statement_timeout = '5s'", error('SET')],
    ['SET search_path TO public', error('SET')],
    ['SET ROLE postgres', error('SET')],
    ['SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY', error('SET')],
    ['RESET statement_timeout', error('RESET')],
    ['RESET ALL', error('RESET')],
    ['LISTEN t_pgadapter_channel', error('LISTEN')],
    ['PREPARE t_pgadapter_plan AS SELECT 1', error('PREPARE')],
    ["LOAD 'auto_explain'", error('LOAD')],
    ['CREATE TEMP TABLE t_pgadapter_temp (id int)', reset('CREATE TABLE')],
    ['CREATE TEMP VIEW t_pgadapter_view AS SELECT 1 AS one', reset('CREATE VIEW')],
    ['CREATE TEMP SEQUENCE t_pgadapter_seq', reset('CREATE SEQUENCE')],
    ['CREATE TEMP TABLE t_pgadapter_ctas AS SELECT 1 AS one', reset('SELECT INTO / CREATE TABLE AS')],
    ['SELECT 1 AS one INTO TEMP t_pgadapter_into', reset('SELECT INTO / CREATE TABLE AS')],
    ['CREATE TEMP TABLE t_pgadapter_empty AS SELECT 1 AS one WITH NO DATA', reset('CREATE TABLE AS')],
    ['SELECT 1 AS one', undefined],
    ['SELECT FROM pg_class LIMIT 0', undefined],
    ['VALUES (1), (2)', undefined],
    ['SHOW statement_timeout', undefined],
    ['UNLISTEN *', undefined],
    ['DISCARD TEMP', undefined],
    ["SELECT set_config('statement_timeout', '5s', false)", undefined],
  ];

  for (const [sql, expected] of cases) {
    it(`${sql} → ${expected === undefined ? 'no change' : `${expected.statement} (${expected.outsideSession} outside a session)`}`, async () => {
      const result = await adapter.query(conn, sql);
      expect(result.sessionState).to.deep.equal(expected);
    });
  }

  it('flags DECLARE … CURSOR WITH HOLD (it outlives the transaction)', async () => {
    await adapter.query(conn, 'BEGIN');
    const result = await adapter.query(conn, 'DECLARE t_pgadapter_cursor CURSOR WITH HOLD FOR SELECT 1');
    await adapter.query(conn, 'COMMIT');
    expect(result.sessionState).to.deep.equal(error('DECLARE CURSOR'));
  });

  it('flags SET LOCAL too (the same tag; inside a held transaction the core allows it)', async () => {
    await adapter.begin(conn, {});
    const result = await adapter.query(conn, "SET LOCAL statement_timeout = '5s'");
    await adapter.rollback(conn);
    expect(result.sessionState).to.deep.equal(error('SET'));
  });

  it('does not flag INSERT, UPDATE or DELETE, with or without parameters', async () => {
    await adapter.query(conn, `CREATE TABLE ${table} (id int)`);
    const results = [
      await adapter.query(conn, `INSERT INTO ${table} VALUES ($1), ($2)`, [1, 2]),
      await adapter.query(conn, `UPDATE ${table} SET id = id + 10`),
      await adapter.query(conn, `SELECT id FROM ${table} WHERE id > $1`, [0]),
      await adapter.query(conn, `DELETE FROM ${table}`),
    ];
    expect(results.map((result) => result.sessionState)).to.deep.equal([undefined, undefined, undefined, undefined]);
    await adapter.query(conn, `DROP TABLE ${table}`);
  });

  it('flags CREATE TABLE AS with parameters (extended protocol: no row description either)', async () => {
    const result = await adapter.query(conn, `CREATE TABLE ${table}_ctas AS SELECT $1::int AS one`, [1]);
    expect(result.sessionState).to.deep.equal(reset('SELECT INTO / CREATE TABLE AS'));
    await adapter.query(conn, `DROP TABLE ${table}_ctas`);
  });

  it('checks every statement of a multi-statement query; an error beats a reset', async () => {
    const result = await adapter.query(conn, "CREATE TEMP TABLE t_pgadapter_multi (id int); SET statement_timeout = '5s'; SELECT 1 AS one");
    expect(result.rows).to.deep.equal([{ one: 1 }]);
    expect(result.sessionState).to.deep.equal(error('SET'));
  });

  it('does not take SET CONSTRAINTS (transaction-scoped, tag SET CONSTRAINTS) for session state', async () => {
    await adapter.begin(conn, {});
    const constraints = await adapter.query(conn, 'SET CONSTRAINTS ALL IMMEDIATE');
    expect(constraints.sessionState).to.equal(undefined);
    await adapter.rollback(conn);
  });

  it('marks the connection unusable when a multi-statement query fails after changing session state', async () => {
    const failure = await adapter.query(conn, "SET statement_timeout = '5s'; PREPARE t_pgadapter_p AS SELECT 1; SELECT 1/0").then(
      () => null,
      (caught: unknown) => caught as { code?: string },
    );
    expect(failure?.code).to.equal('22012');
    expect(adapter.isBroken(conn, failure)).to.equal(false);
    expect(adapter.isUsable(conn)).to.equal(false);
    await adapter.reset(conn);
    expect(adapter.isUsable(conn)).to.equal(true);
  });
});
