import { expect } from 'chai';
import { timeoutSetting } from '../../../adapters/mysql/connect-mysql.js';
import { isStatementTimeout as isMysqlTimeout } from '../../../adapters/mysql/mysql-errors.js';
import { isStatementTimeout as isPostgresTimeout } from '../../../adapters/postgres/postgres-errors.js';
import { clientTimeoutMs, STATEMENT_TIMEOUT_GRACE_MS } from '../../../src/statement-timeout.js';

const pgError = (code: string, message: string): Error => Object.assign(new Error(message), { code, severity: 'ERROR' });
const mysqlError = (errno: number, code: string): Error => Object.assign(new Error(code), { errno, code, sqlState: 'HY000' });

describe('statement timeouts: which errors count, and the client backstop', () => {
  it('postgres: 57014 from statement_timeout and pg\'s query_timeout are timeouts; a cancel with the same SQLSTATE is not', () => {
    expect(isPostgresTimeout(pgError('57014', 'canceling statement due to statement timeout'))).to.equal(true);
    expect(isPostgresTimeout(new Error('Query read timeout'))).to.equal(true);
    expect(isPostgresTimeout(pgError('57014', 'canceling statement due to user request'))).to.equal(false);
    expect(isPostgresTimeout(pgError('55P03', 'canceling statement due to lock timeout'))).to.equal(false);
    expect(isPostgresTimeout(pgError('42P01', 'relation "nope" does not exist'))).to.equal(false);
    expect(isPostgresTimeout(undefined)).to.equal(false);
  });

  it('mysql: MariaDB 1969, MySQL 3024 and the client backstop are timeouts; KILL QUERY (1317) is not', () => {
    expect(isMysqlTimeout(mysqlError(1969, 'ER_STATEMENT_TIMEOUT'))).to.equal(true);
    expect(isMysqlTimeout(mysqlError(3024, 'ER_QUERY_TIMEOUT'))).to.equal(true);
    expect(isMysqlTimeout(Object.assign(new Error('Query inactivity timeout'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT' }))).to.equal(true);
    expect(isMysqlTimeout(mysqlError(1317, 'ER_QUERY_INTERRUPTED'))).to.equal(false);
    expect(isMysqlTimeout(mysqlError(1205, 'ER_LOCK_WAIT_TIMEOUT'))).to.equal(false);
    expect(isMysqlTimeout(null)).to.equal(false);
  });

  it('mysql: the session setup spells the limit per server kind, and adds nothing without one', () => {
    expect(timeoutSetting('10.11.6-MariaDB-0+deb12u1', 300)).to.equal(', max_statement_time = 0.3');
    expect(timeoutSetting('11.4.2-MariaDB', 1500)).to.equal(', max_statement_time = 1.5');
    expect(timeoutSetting('8.0.36', 300)).to.equal(', max_execution_time = 300');
    expect(timeoutSetting('10.11.6-MariaDB', undefined)).to.equal('');
    expect(timeoutSetting('8.0.36', 0)).to.equal('');
  });

  it('the client timer fires the grace after the limit, never beyond what Node timers accept, and not at all without a limit', () => {
    expect(STATEMENT_TIMEOUT_GRACE_MS).to.equal(1000);
    expect(clientTimeoutMs(300)).to.equal(1300);
    expect(clientTimeoutMs(2_147_483_647)).to.equal(2_147_483_647);
    expect(clientTimeoutMs(0)).to.equal(undefined);
    expect(clientTimeoutMs(undefined)).to.equal(undefined);
  });
});
