import { expect } from 'chai';
import { mysqlConnectFailureKind } from '../../../adapters/mysql/mysql-errors.js';
import { oracleConnectFailureKind } from '../../../adapters/oracle/oracle-errors.js';
import { postgresConnectFailureKind } from '../../../adapters/postgres/postgres-errors.js';
import { sqliteConnectFailureKind } from '../../../adapters/sqlite/sqlite-connect-failure-kind.js';
import type { ConnectFailureKind } from '../../../src/adapter.js';
import { UnipoolError } from '../../../src/errors.js';

const driverError = (fields: Record<string, unknown>, message = 'driver error'): Error => Object.assign(new Error(message), fields);
/** As the adapters throw it: their own UNIPOOL_CONNECT_FAILED with the driver error as cause. */
const wrapped = (cause: unknown): UnipoolError => new UnipoolError('UNIPOOL_CONNECT_FAILED', 'could not connect', { cause });

const cases: ReadonlyArray<readonly [string, (error: unknown) => ConnectFailureKind, unknown, ConnectFailureKind]> = [
  ['postgres 28P01 wrong password', postgresConnectFailureKind, wrapped(driverError({ code: '28P01', severity: 'FATAL' })), 'permanent'],
  ['postgres 28000 pg_hba.conf', postgresConnectFailureKind, wrapped(driverError({ code: '28000', severity: 'FATAL' })), 'permanent'],
  ['postgres 3D000 unknown database', postgresConnectFailureKind, wrapped(driverError({ code: '3D000', severity: 'FATAL' })), 'permanent'],
  ['postgres TLS self-signed', postgresConnectFailureKind, wrapped(driverError({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })), 'permanent'],
  ['postgres server without TLS', postgresConnectFailureKind, wrapped(new Error('The server does not support SSL connections')), 'permanent'],
  ['postgres 53300 too many connections', postgresConnectFailureKind, wrapped(driverError({ code: '53300', severity: 'FATAL' })), 'transient'],
  ['postgres 57P03 starting up', postgresConnectFailureKind, wrapped(driverError({ code: '57P03', severity: 'FATAL' })), 'transient'],
  ['postgres ECONNREFUSED', postgresConnectFailureKind, wrapped(driverError({ code: 'ECONNREFUSED' })), 'transient'],
  ['postgres connect timeout', postgresConnectFailureKind, new UnipoolError('UNIPOOL_CONNECT_TIMEOUT', 'slow', { cause: new Error('timeout expired') }), 'transient'],
  ['mysql 1045 access denied', mysqlConnectFailureKind, wrapped(driverError({ errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' })), 'permanent'],
  ['mysql 1049 unknown database', mysqlConnectFailureKind, wrapped(driverError({ errno: 1049, code: 'ER_BAD_DB_ERROR' })), 'permanent'],
  ['mysql no TLS on the server', mysqlConnectFailureKind, wrapped(driverError({ code: 'HANDSHAKE_NO_SSL_SUPPORT' })), 'permanent'],
  ['mysql TLS hostname mismatch', mysqlConnectFailureKind, wrapped(driverError({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' })), 'permanent'],
  ['mysql 1040 too many connections', mysqlConnectFailureKind, wrapped(driverError({ errno: 1040, code: 'ER_CON_COUNT_ERROR' })), 'transient'],
  ['mysql ECONNREFUSED', mysqlConnectFailureKind, wrapped(driverError({ code: 'ECONNREFUSED' })), 'transient'],
  ['oracle ORA-01017 invalid credential', oracleConnectFailureKind, wrapped(driverError({ code: 'ORA-01017' })), 'permanent'],
  ['oracle ORA-12514 service not registered yet', oracleConnectFailureKind, wrapped(driverError({ code: 'ORA-12514' })), 'transient'],
  ['oracle ORA-12541 no listener', oracleConnectFailureKind, wrapped(driverError({ code: 'ORA-12541' })), 'transient'],
  ['sqlite missing directory', sqliteConnectFailureKind, new TypeError('Cannot open database because the directory does not exist'), 'permanent'],
  ['sqlite SQLITE_CANTOPEN', sqliteConnectFailureKind, driverError({ code: 'SQLITE_CANTOPEN' }), 'permanent'],
  ['sqlite SQLITE_BUSY (another process holds a lock)', sqliteConnectFailureKind, driverError({ code: 'SQLITE_BUSY' }), 'transient'],
  ['an unknown error', postgresConnectFailureKind, 'weird', 'transient'],
];

describe('adapters: which connect failures are permanent', () => {
  for (const [label, classify, error, expected] of cases) {
    it(`${label}: ${expected}`, () => expect(classify(error)).to.equal(expected));
  }
});
