import { expect } from 'chai';
import { mysqlAdapter as adapter, type MysqlConnection } from '../../../adapters/mysql/index.js';
import { closeOpened, firstRow, openConnection } from './adapter-test-settings.js';

const TABLE = 't_mysqladapter_txstate';

async function run(conn: MysqlConnection, sql: string): Promise<unknown> {
  return adapter.query(conn, sql).catch((error: unknown) => error);
}

describe('mysql adapter: transaction state from the server status flags', () => {
  afterEach(closeOpened);

  beforeEach(async () => {
    const conn = await openConnection();
    await adapter.query(conn, `DROP TABLE IF EXISTS ${TABLE}`);
    await adapter.query(conn, `CREATE TABLE ${TABLE} (id INT PRIMARY KEY) ENGINE=InnoDB`);
    await adapter.query(conn, `INSERT INTO ${TABLE} VALUES (1), (2)`);
    await closeOpened();
  });

  after(async () => {
    const conn = await openConnection();
    await adapter.query(conn, `DROP TABLE IF EXISTS ${TABLE}`);
    await closeOpened();
  });

  it('is idle on a new connection, which runs with autocommit on', async () => {
    const conn = await openConnection();
    expect(adapter.transactionState(conn)).to.equal('idle');
    expect(await firstRow(conn, 'SELECT @@autocommit AS ac')).to.deep.equal({ ac: 1 });
  });

  it('follows START TRANSACTION → active, a SELECT inside → still active, COMMIT → idle', async () => {
    const conn = await openConnection();
    await adapter.query(conn, 'START TRANSACTION');
    expect(adapter.transactionState(conn)).to.equal('active');
    await adapter.query(conn, `SELECT * FROM ${TABLE}`);
    expect(adapter.transactionState(conn)).to.equal('active');
    await adapter.query(conn, 'SELECT 1');
    expect(adapter.transactionState(conn)).to.equal('active');
    await adapter.query(conn, 'COMMIT');
    expect(adapter.transactionState(conn)).to.equal('idle');
  });

  it('follows BEGIN; INSERT → active and ROLLBACK → idle', async () => {
    const conn = await openConnection();
    await adapter.query(conn, 'BEGIN');
    await adapter.query(conn, `INSERT INTO ${TABLE} VALUES (3)`);
    expect(adapter.transactionState(conn)).to.equal('active');
    await adapter.query(conn, 'ROLLBACK');
    expect(adapter.transactionState(conn)).to.equal('idle');
  });

  it('stays active after a failing statement inside a transaction (MySQL keeps the transaction open)', async () => {
    const conn = await openConnection();
    await adapter.query(conn, 'START TRANSACTION');
    expect(await run(conn, `INSERT INTO ${TABLE} VALUES (1)`)).to.have.property('code', 'ER_DUP_ENTRY');
    expect(adapter.transactionState(conn)).to.equal('active');
    expect(await run(conn, 'SELECT no_such_column')).to.have.property('code', 'ER_BAD_FIELD_ERROR');
    expect(adapter.transactionState(conn)).to.equal('active');
  });

  it('turns idle when a failing DDL statement has implicitly committed the transaction (re-read with COM_PING)', async () => {
    const conn = await openConnection();
    await adapter.query(conn, 'START TRANSACTION');
    await adapter.query(conn, `INSERT INTO ${TABLE} VALUES (5)`);
    expect(await run(conn, `CREATE TABLE ${TABLE} (a INT)`)).to.have.property('code', 'ER_TABLE_EXISTS_ERROR');
    expect(adapter.transactionState(conn)).to.equal('idle');
    // The implicit commit happened: the row is there for everyone.
    const other = await openConnection();
    expect((await adapter.query(other, `SELECT id FROM ${TABLE} WHERE id = 5`)).rowCount).to.equal(1);
  });

  it('turns idle when the server rolls the transaction back on a deadlock', async () => {
    const [a, b] = [await openConnection(), await openConnection()];
    await adapter.query(a, 'START TRANSACTION');
    await adapter.query(b, 'START TRANSACTION');
    await adapter.query(a, `UPDATE ${TABLE} SET id = id WHERE id = 1`);
    await adapter.query(b, `UPDATE ${TABLE} SET id = id WHERE id = 2`);
    // Each waits for the other's row lock, in whichever order they arrive: InnoDB picks a victim.
    const results = await Promise.all([run(a, `UPDATE ${TABLE} SET id = id WHERE id = 2`), run(b, `UPDATE ${TABLE} SET id = id WHERE id = 1`)]);
    const victim = results.findIndex((result) => (result as { code?: string } | undefined)?.code === 'ER_LOCK_DEADLOCK');
    expect(victim).to.be.oneOf([0, 1]);
    const [loser, winner] = victim === 0 ? [a, b] : [b, a];
    expect(adapter.transactionState(loser)).to.equal('idle');
    expect(adapter.transactionState(winner)).to.equal('active');
    await adapter.rollback(winner);
  });

  it('reports what the server says after SET autocommit = 0: idle until a statement touches a table, then active', async () => {
    const conn = await openConnection();
    const set = await adapter.query(conn, 'SET autocommit = 0');
    expect(set.sessionState).to.deep.equal({ statement: 'SET autocommit', outsideSession: 'error' });
    expect(adapter.transactionState(conn)).to.equal('idle');
    await adapter.query(conn, 'SELECT 1');
    expect(adapter.transactionState(conn)).to.equal('idle');
    await adapter.query(conn, `SELECT * FROM ${TABLE}`);
    expect(adapter.transactionState(conn)).to.equal('active');
    await adapter.query(conn, 'COMMIT');
    expect(adapter.transactionState(conn)).to.equal('idle');
    await adapter.query(conn, `INSERT INTO ${TABLE} VALUES (7)`);
    expect(adapter.transactionState(conn)).to.equal('active');
  });

  it('follows XA transactions', async () => {
    const conn = await openConnection();
    await adapter.query(conn, "XA START 'unipool-xa'");
    expect(adapter.transactionState(conn)).to.equal('active');
    await adapter.query(conn, "XA END 'unipool-xa'");
    await adapter.query(conn, "XA ROLLBACK 'unipool-xa'");
    expect(adapter.transactionState(conn)).to.equal('idle');
  });

  it('begin() opens a transaction at the requested isolation level for that transaction only', async () => {
    const [conn, other] = [await openConnection(), await openConnection()];
    await adapter.query(other, 'SET SESSION innodb_lock_wait_timeout = 1');
    await adapter.begin(conn, { isolation: 'serializable' });
    expect(adapter.transactionState(conn)).to.equal('active');
    // SERIALIZABLE turns a plain SELECT into a locking read: the other connection cannot update the row.
    await adapter.query(conn, `SELECT * FROM ${TABLE} WHERE id = 1`);
    expect(await run(other, `UPDATE ${TABLE} SET id = id WHERE id = 1`)).to.have.property('errno', 1205);
    await adapter.commit(conn);
    expect(adapter.transactionState(conn)).to.equal('idle');
    // SET TRANSACTION (without SESSION) applied to that transaction only: back to REPEATABLE READ.
    await adapter.begin(conn, {});
    await adapter.query(conn, `SELECT * FROM ${TABLE} WHERE id = 1`);
    expect(await run(other, `UPDATE ${TABLE} SET id = id WHERE id = 1`)).to.have.property('rowCount', 1);
    await adapter.rollback(conn);
  });

  it('begin({ readOnly: true }) opens a read-only transaction', async () => {
    const conn = await openConnection();
    await adapter.begin(conn, { readOnly: true, isolation: 'read committed' });
    expect(adapter.transactionState(conn)).to.equal('active');
    expect(await run(conn, `INSERT INTO ${TABLE} VALUES (9)`)).to.have.property('errno', 1792);
    expect(adapter.transactionState(conn)).to.equal('active');
    await adapter.rollback(conn);
    expect(adapter.transactionState(conn)).to.equal('idle');
  });

  it('rolls back to a savepoint and releases one, with backtick-quoted names', async () => {
    const conn = await openConnection();
    await adapter.begin(conn, {});
    await adapter.savepoint(conn, 'sp `1`');
    await adapter.query(conn, `INSERT INTO ${TABLE} VALUES (10)`);
    await adapter.rollbackToSavepoint(conn, 'sp `1`');
    expect(adapter.transactionState(conn)).to.equal('active');
    await adapter.savepoint(conn, 'sp2');
    await adapter.query(conn, `INSERT INTO ${TABLE} VALUES (11)`);
    await adapter.releaseSavepoint(conn, 'sp2');
    await adapter.commit(conn);
    const { rows } = await adapter.query(conn, `SELECT id FROM ${TABLE} WHERE id >= 10`);
    expect(rows).to.deep.equal([{ id: 11 }]);
    expect(await adapter.rollbackToSavepoint(conn, 'sp2').catch((e: unknown) => e)).to.have.property('code', 'ER_SP_DOES_NOT_EXIST');
  });

  it('ping() refreshes the state and keeps it while a transaction is open', async () => {
    const conn = await openConnection();
    await adapter.begin(conn, {});
    await adapter.ping(conn);
    expect(adapter.transactionState(conn)).to.equal('active');
    await adapter.rollback(conn);
    await adapter.ping(conn);
    expect(adapter.transactionState(conn)).to.equal('idle');
  });
});
