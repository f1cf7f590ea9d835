import { expect } from 'chai';
import { mysqlAdapter as adapter } from '../../../adapters/mysql/index.js';
import { closeOpened, firstRow, openConnection } from './adapter-test-settings.js';

const SESSION_SQL = 'SELECT @@character_set_client AS charset, @@collation_connection AS collation, @@sql_mode AS sqlMode, @@autocommit AS autocommit, @@session_track_state_change AS tracking, @@time_zone AS timeZone, @@tx_isolation AS isolation, DATABASE() AS db';

describe('mysql adapter: reset() (COM_RESET_CONNECTION + the fresh-connection settings)', () => {
  afterEach(closeOpened);

  it('clears user variables', async () => {
    const conn = await openConnection();
    await adapter.query(conn, 'SET @x = 1');
    await adapter.reset(conn);
    expect(await firstRow(conn, 'SELECT @x AS x')).to.deep.equal({ x: null });
  });

  it('restores every session setting a fresh connection has, whatever the session changed', async () => {
    const fresh = await firstRow(await openConnection(), SESSION_SQL);
    const conn = await openConnection();
    await adapter.query(conn, "SET SESSION sql_mode = 'ANSI', time_zone = '+02:00', autocommit = 0, session_track_state_change = OFF");
    await adapter.query(conn, 'SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE');
    await adapter.query(conn, 'SET NAMES latin1');
    await adapter.query(conn, 'USE mysql');
    expect(await firstRow(conn, SESSION_SQL)).not.to.deep.equal(fresh);
    await adapter.reset(conn);
    expect(await firstRow(conn, SESSION_SQL)).to.deep.equal(fresh);
    // The handshake's sql_mode includes IGNORE_SPACE (mysql2's CLIENT_IGNORE_SPACE flag), which a
    // bare COM_RESET_CONNECTION would drop.
    expect(String(fresh.sqlMode)).to.contain('IGNORE_SPACE');
  });

  it('keeps non-ASCII text intact after a reset that undid SET NAMES (mysql2 encodes queries in the restored charset)', async () => {
    const conn = await openConnection();
    await adapter.query(conn, 'SET NAMES latin1');
    await adapter.reset(conn);
    expect(await firstRow(conn, 'SELECT ? AS text, CHAR_LENGTH(?) AS length', ['héllo ✓ 日本', 'héllo ✓ 日本'])).to.deep.equal({ text: 'héllo ✓ 日本', length: 10 });
  });

  it('drops temporary tables', async () => {
    const conn = await openConnection();
    await adapter.query(conn, 'CREATE TEMPORARY TABLE tmp_unipool_reset (id INT)');
    await adapter.reset(conn);
    const error = await adapter.query(conn, 'SELECT * FROM tmp_unipool_reset').catch((e: unknown) => e);
    expect(error).to.have.property('code', 'ER_NO_SUCH_TABLE');
  });

  it('deallocates prepared statements', async () => {
    const conn = await openConnection();
    await adapter.query(conn, "PREPARE unipool_reset_stmt FROM 'SELECT 1'");
    await adapter.reset(conn);
    const error = await adapter.query(conn, 'EXECUTE unipool_reset_stmt').catch((e: unknown) => e);
    expect(error).to.have.property('code', 'ER_UNKNOWN_STMT_HANDLER');
  });

  it('rolls back an open transaction and reports idle', async () => {
    const conn = await openConnection();
    await adapter.query(conn, 'START TRANSACTION');
    expect(adapter.transactionState(conn)).to.equal('active');
    await adapter.reset(conn);
    expect(adapter.transactionState(conn)).to.equal('idle');
  });

  it('releases named locks (GET_LOCK), which session-state tracking cannot see', async () => {
    const [conn, other] = [await openConnection(), await openConnection()];
    await adapter.query(conn, "SELECT GET_LOCK('unipool-reset-lock', 0)");
    expect(await firstRow(other, "SELECT IS_FREE_LOCK('unipool-reset-lock') AS free")).to.deep.equal({ free: 0 });
    await adapter.reset(conn);
    expect(await firstRow(other, "SELECT IS_FREE_LOCK('unipool-reset-lock') AS free")).to.deep.equal({ free: 1 });
  });

  it('leaves the connection usable, with autocommit on and nothing reported', async () => {
    const conn = await openConnection();
    await adapter.query(conn, 'SET autocommit = 0');
    await adapter.reset(conn);
    expect(adapter.isUsable(conn)).to.equal(true);
    const result = await adapter.query(conn, 'SELECT @@autocommit AS ac');
    expect(result.rows).to.deep.equal([{ ac: 1 }]);
    expect(result).not.to.have.property('sessionState');
  });
});
