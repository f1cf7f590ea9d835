import { expect } from 'chai';
import { isConnectionError, isServerError } from '../../../../adapters/mysql/mysql-errors.js';
import { reportedSchema, sessionStateOf, splitResults, toAdapterResult } from '../../../../adapters/mysql/mysql-results.js';
import { ServerStatus } from '../../../../adapters/mysql/server-status-reader.js';

const CHANGED = ServerStatus.SESSION_STATE_CHANGED;
const okPacket = (affectedRows: number, stateChanges?: object) => ({ affectedRows, insertId: 0, serverStatus: 2, ...(stateChanges ? { stateChanges } : {}) });
const field = (name: string, columnType: number) => ({ name, columnType, flags: 0 });

describe('mysql adapter: turning mysql2 replies into results', () => {
  it('maps a result set to rows, rowCount and fields', () => {
    const entries = splitResults([{ a: 1 }, { a: 2 }], [field('a', 3)]);
    expect(toAdapterResult(entries)).to.deep.equal({ rows: [{ a: 1 }, { a: 2 }], rowCount: 2, fields: [{ name: 'a', type: 3 }] });
  });

  it('maps an OK packet to no rows and rowCount = affected rows', () => {
    expect(toAdapterResult(splitResults(okPacket(4), undefined))).to.deep.equal({ rows: [], rowCount: 4, fields: [] });
  });

  it('takes the first result set of a CALL that answered with several results', () => {
    const entries = splitResults([[{ x: 1 }], okPacket(0)], [[field('x', 8)], undefined]);
    expect(entries.map((entry) => entry.kind)).to.deep.equal(['rows', 'ok']);
    expect(toAdapterResult(entries)).to.deep.equal({ rows: [{ x: 1 }], rowCount: 1, fields: [{ name: 'x', type: 8 }] });
  });

  it('reports no session state when the flag is absent', () => {
    expect(sessionStateOf(splitResults(okPacket(0), undefined), ServerStatus.AUTOCOMMIT)).to.equal(undefined);
  });

  it('names the change from the tracked system variables or schema, and calls a pure session statement an error', () => {
    expect(sessionStateOf(splitResults(okPacket(0, { systemVariables: { time_zone: '+01:00' }, schema: null }), undefined), CHANGED)).to.deep.equal({
      statement: 'SET time_zone',
      outsideSession: 'error',
    });
    expect(sessionStateOf(splitResults(okPacket(0, { systemVariables: {}, schema: 'shop' }), undefined), CHANGED)).to.deep.equal({
      statement: 'USE shop',
      outsideSession: 'error',
    });
    expect(sessionStateOf(splitResults(okPacket(0, { systemVariables: {}, schema: null }), undefined), CHANGED)).to.deep.equal({
      statement: 'a variable, temporary table or prepared statement; the server does not say which',
      outsideSession: 'error',
    });
  });

  it('resets instead of throwing when the statement also returned rows or changed rows (a retry would repeat committed work)', () => {
    expect(sessionStateOf(splitResults([{ a: 1 }], [field('a', 3)]), CHANGED)?.outsideSession).to.equal('reset');
    expect(sessionStateOf(splitResults(okPacket(2), undefined), CHANGED)?.outsideSession).to.equal('reset');
  });

  it('reads the database a USE switched to', () => {
    expect(reportedSchema(splitResults(okPacket(0, { schema: 'shop' }), undefined))).to.equal('shop');
    expect(reportedSchema(splitResults(okPacket(0), undefined))).to.equal(undefined);
  });
});

describe('mysql adapter: which errors break a connection', () => {
  it('treats fatal driver errors, socket errors and session-ending server errors as broken', () => {
    expect(isConnectionError(Object.assign(new Error('lost'), { fatal: true, code: 'PROTOCOL_CONNECTION_LOST' }))).to.equal(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).to.equal(true);
    expect(isConnectionError(Object.assign(new Error('killed'), { code: 'ER_CONNECTION_KILLED', errno: 1927, sqlState: '70100' }))).to.equal(true);
    expect(isConnectionError(Object.assign(new Error('timeout'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT' }))).to.equal(true);
    expect(isConnectionError(Object.assign(new Error('gone'), { errno: 4031, sqlState: 'HY000' }))).to.equal(true);
  });

  it('keeps the connection after an ordinary server error', () => {
    const duplicate = Object.assign(new Error('dup'), { code: 'ER_DUP_ENTRY', errno: 1062, sqlState: '23000' });
    expect(isConnectionError(duplicate)).to.equal(false);
    expect(isServerError(duplicate)).to.equal(true);
    expect(isConnectionError(Object.assign(new Error('interrupted'), { code: 'ER_QUERY_INTERRUPTED', errno: 1317, sqlState: '70100' }))).to.equal(false);
  });

  it('is not confused by non-errors', () => {
    expect(isConnectionError(undefined)).to.equal(false);
    expect(isConnectionError('ECONNRESET')).to.equal(false);
    expect(isServerError(null)).to.equal(false);
  });
});
