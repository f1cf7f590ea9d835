import { expect } from 'chai';
import type { ConnectionSettings } from '../../../../src/adapter.js';
import { createOracleAdapter, oracleCapabilities, setTransactionSql } from '../../../../adapters/oracle/index.js';
import { isConnectionError } from '../../../../adapters/oracle/oracle-errors.js';
import { FakeOracledb, oracleError, type FakeOracleConnection } from '../../../support/fake-oracledb.js';
import { withDocsLink } from '../../../support/docs-link.js';

const settings: ConnectionSettings = { host: 'db', database: 'SVC', user: 'app', options: {} };

async function setup(): Promise<{ adapter: ReturnType<typeof createOracleAdapter>; conn: FakeOracleConnection }> {
  const fake = new FakeOracledb();
  const adapter = createOracleAdapter({ loadDriver: async () => fake });
  await adapter.connect(settings, { timeoutMs: 1000, onBroken: () => undefined });
  const conn = fake.connections[0];
  if (conn === undefined) throw new Error('no connection');
  return { adapter, conn };
}

const executeOptions = (conn: FakeOracleConnection) => conn.calls.filter((call) => call.method === 'execute').map((call) => call.options);

describe('oracle adapter: autoCommit and transactions', () => {
  it('runs statements outside atomic() with autoCommit, as objects (OUT_FORMAT_OBJECT)', async () => {
    const { adapter, conn } = await setup();
    await adapter.query(conn, 'INSERT INTO t VALUES (:1)', [1]);
    expect(conn.calls[0]).to.deep.equal({ method: 'execute', sql: 'INSERT INTO t VALUES (:1)', binds: [1], options: { outFormat: 4002, autoCommit: true } });
    expect(adapter.transactionState(conn)).to.equal('idle');
  });

  it('runs statements between begin() and commit() without autoCommit, and reports the transaction active', async () => {
    const { adapter, conn } = await setup();
    await adapter.begin(conn, {});
    expect(conn.calls).to.have.length(0);
    // Oracle starts the transaction with the first DML; the adapter already reports it from begin().
    expect(adapter.transactionState(conn)).to.equal('active');
    await adapter.query(conn, 'UPDATE t SET a = 1');
    expect(executeOptions(conn)).to.deep.equal([{ outFormat: 4002, autoCommit: false }]);
    expect(conn.transactionInProgress).to.equal(true);
    await adapter.commit(conn);
    expect(conn.calls.map((call) => call.method)).to.deep.equal(['execute', 'commit']);
    expect(adapter.transactionState(conn)).to.equal('idle');
    await adapter.query(conn, 'UPDATE t SET a = 2');
    expect(executeOptions(conn)[1]).to.deep.equal({ outFormat: 4002, autoCommit: true });
  });

  it('ends the transaction on rollback(), even when the rollback fails', async () => {
    const { adapter, conn } = await setup();
    await adapter.begin(conn, {});
    await adapter.rollback(conn);
    expect(conn.calls.map((call) => call.method)).to.deep.equal(['rollback']);
    expect(adapter.transactionState(conn)).to.equal('idle');
    await adapter.begin(conn, {});
    conn.closed = true;
    const error = await adapter.rollback(conn).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'NJS-003');
    expect(adapter.transactionState(conn)).to.equal('idle');
    expect(adapter.isBroken(conn, error)).to.equal(true);
  });

  it('reports active whenever the server says a transaction is in progress', async () => {
    const { adapter, conn } = await setup();
    conn.setTransactionInProgress(true);
    expect(adapter.transactionState(conn)).to.equal('active');
    conn.setTransactionInProgress(false);
    expect(adapter.transactionState(conn)).to.equal('idle');
  });

  it('sets the isolation level and read-only mode with SET TRANSACTION, outside autoCommit', async () => {
    const { adapter, conn } = await setup();
    await adapter.begin(conn, { isolation: 'serializable' });
    expect(conn.calls).to.deep.equal([{ method: 'execute', sql: 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE', binds: [], options: { outFormat: 4002, autoCommit: false } }]);
    await adapter.commit(conn);
    expect(setTransactionSql({ isolation: 'read committed' })).to.equal('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
    expect(setTransactionSql({ readOnly: true })).to.equal('SET TRANSACTION READ ONLY');
    expect(setTransactionSql({ readOnly: true, isolation: 'serializable' })).to.equal('SET TRANSACTION READ ONLY');
    expect(setTransactionSql({})).to.equal(undefined);
  });

  it('refuses isolation levels Oracle does not have, and read-only with read committed', async () => {
    const { adapter, conn } = await setup();
    const error = await adapter.begin(conn, { isolation: 'repeatable read' }).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'UNIPOOL_UNSUPPORTED');
    expect((error as Error).message).to.equal(withDocsLink('UNIPOOL_UNSUPPORTED', 'oracle: isolation "repeatable read" is not supported; Oracle offers "read committed" (the default) and "serializable".'));
    expect(adapter.transactionState(conn)).to.equal('idle');
    expect(() => setTransactionSql({ isolation: 'read uncommitted' })).to.throw(/not supported/);
    expect(() => setTransactionSql({ readOnly: true, isolation: 'read committed' })).to.throw(/readOnly cannot be combined with isolation "read committed"/);
    expect(conn.calls).to.have.length(0);
  });

  it('leaves no transaction marked when SET TRANSACTION fails', async () => {
    const { adapter, conn } = await setup();
    conn.respond = () => ({ error: oracleError('ORA-01453', 'SET TRANSACTION must be first statement of transaction') });
    const error = await adapter.begin(conn, { readOnly: true }).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'ORA-01453');
    expect(adapter.transactionState(conn)).to.equal('idle');
  });

  it('creates and rolls back to savepoints with quoted names; releasing one is a no-op (Oracle has none)', async () => {
    const { adapter, conn } = await setup();
    await adapter.begin(conn, {});
    await adapter.savepoint(conn, 'sp_1');
    await adapter.rollbackToSavepoint(conn, 'sp_1');
    await adapter.releaseSavepoint(conn, 'sp_1');
    expect(conn.statements).to.deep.equal(['SAVEPOINT "sp_1"', 'ROLLBACK TO SAVEPOINT "sp_1"']);
    expect(executeOptions(conn).every((options) => options?.autoCommit === false)).to.equal(true);
    const error = await adapter.savepoint(conn, 'bad"name').catch((e: unknown) => e);
    expect(error).to.have.property('code', 'UNIPOOL_INVALID_ARGUMENT');
  });

  it('maps query results: rows with upper-case column names, fields with db type names, rowCount from rowsAffected', async () => {
    const { adapter, conn } = await setup();
    conn.respond = (sql) =>
      sql.startsWith('SELECT')
        ? { rows: [{ ID: 1, NAME: 'a' }], metaData: [{ name: 'ID', dbTypeName: 'NUMBER' }, { name: 'NAME', dbTypeName: 'VARCHAR2' }] }
        : sql.startsWith('DELETE')
          ? { rowsAffected: 3 }
          : {};
    expect(await adapter.query(conn, 'SELECT id, name FROM t')).to.deep.equal({
      rows: [{ ID: 1, NAME: 'a' }],
      rowCount: 1,
      fields: [{ name: 'ID', type: 'NUMBER' }, { name: 'NAME', type: 'VARCHAR2' }],
    });
    expect(await adapter.query(conn, 'DELETE FROM t', { id: 1 })).to.deep.equal({ rows: [], rowCount: 3, fields: [] });
    expect(conn.calls[1]?.binds).to.deep.equal({ id: 1 });
    expect(await adapter.query(conn, 'BEGIN NULL; END;')).to.deep.equal({ rows: [], rowCount: 0, fields: [] });
  });

  it('uses :n placeholders', async () => {
    const { adapter } = await setup();
    expect([1, 2, 12].map((n) => adapter.placeholder(n))).to.deep.equal([':1', ':2', ':12']);
  });

  it('pings with connection.ping() and closes with connection.close()', async () => {
    const { adapter, conn } = await setup();
    await adapter.ping(conn);
    await adapter.close(conn);
    expect(conn.calls.map((call) => call.method)).to.deep.equal(['ping', 'close']);
    expect(adapter.isUsable(conn)).to.equal(false);
    await adapter.close(conn);
  });

  it('resets by reconnecting: reset() rolls back and retires the connection so the core replaces it', async () => {
    const { adapter, conn } = await setup();
    await adapter.begin(conn, {});
    await adapter.query(conn, 'INSERT INTO t VALUES (1)');
    await adapter.reset(conn);
    expect(conn.calls.map((call) => call.method)).to.deep.equal(['execute', 'rollback']);
    expect(adapter.transactionState(conn)).to.equal('idle');
    expect(adapter.isUsable(conn)).to.equal(false);
    expect(oracleCapabilities.sessionReset).to.match(/^reconnect/);
  });
});

describe('oracle adapter: broken connections', () => {
  it('classifies dead-session errors by driver code and ORA number', () => {
    for (const code of ['NJS-003', 'NJS-500', 'NJS-501', 'NJS-521', 'DPI-1010', 'DPI-1080', 'ORA-03113', 'ORA-03114', 'ORA-00028', 'ORA-01012', 'ORA-02396', 'ORA-03135']) {
      expect(isConnectionError(oracleError(code, 'x')), code).to.equal(true);
    }
    expect(isConnectionError(Object.assign(new Error('x'), { errorNum: 3113 }))).to.equal(true);
    for (const code of ['ORA-00001', 'ORA-00942', 'ORA-01453', 'ORA-08177', 'NJS-018']) {
      expect(isConnectionError(oracleError(code, 'x')), code).to.equal(false);
    }
    expect(isConnectionError(undefined)).to.equal(false);
  });

  it('marks the connection unusable after a connection error, and keeps it after a statement error', async () => {
    const { adapter, conn } = await setup();
    conn.respond = () => ({ error: oracleError('ORA-00942', 'table or view does not exist') });
    const statementError = await adapter.query(conn, 'SELECT * FROM nope').catch((e: unknown) => e);
    expect(adapter.isBroken(conn, statementError)).to.equal(false);
    expect(adapter.isUsable(conn)).to.equal(true);
    conn.respond = () => ({ error: oracleError('NJS-500', 'connection to Oracle Database was closed or broken') });
    const connectionError = await adapter.query(conn, 'SELECT 1 FROM dual').catch((e: unknown) => e);
    expect(adapter.isBroken(conn, connectionError)).to.equal(true);
    expect(adapter.isUsable(conn)).to.equal(false);
  });

  it('reports a connection oracledb finds unhealthy as unusable', async () => {
    const { adapter, conn } = await setup();
    conn.healthy = false;
    expect(adapter.isUsable(conn)).to.equal(false);
    expect(adapter.isBroken(conn, new Error('anything'))).to.equal(true);
  });
});
