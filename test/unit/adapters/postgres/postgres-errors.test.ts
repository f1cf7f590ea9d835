import { expect } from 'chai';
import { isConnectionError } from '../../../../adapters/postgres/postgres-errors.js';

const withCode = (code: string, severity = 'ERROR'): object => Object.assign(new Error(`error ${code}`), { code, severity });

describe('postgres adapter: which errors mean a dead connection', () => {
  const broken: ReadonlyArray<readonly [string, unknown]> = [
    ['57P01 admin_shutdown (pg_terminate_backend)', withCode('57P01', 'FATAL')],
    ['57P02 crash_shutdown', withCode('57P02')],
    ['57P03 cannot_connect_now', withCode('57P03')],
    ['57P05 idle_session_timeout', withCode('57P05')],
    ['25P03 idle_in_transaction_session_timeout', withCode('25P03')],
    ['class 08 connection exception (08006)', withCode('08006')],
    ['08P01 protocol violation sent as FATAL', withCode('08P01', 'FATAL')],
    ['08P01 from this side (no severity)', Object.assign(new Error('protocol'), { code: '08P01' })],
    ['a FATAL with an unlisted code', withCode('XX000', 'FATAL')],
    ['a PANIC', withCode('XX000', 'PANIC')],
    ['ECONNRESET from the socket', withCode('ECONNRESET', '')],
    ['EPIPE from the socket', withCode('EPIPE', '')],
    ['pg: Connection terminated unexpectedly', new Error('Connection terminated unexpectedly')],
    ['pg: Connection terminated', new Error('Connection terminated')],
    ['pg: not queryable after a connection error', new Error('Client has encountered a connection error and is not queryable')],
    ['pg: closed client', new Error('Client was closed and is not queryable')],
    ['pg: query_timeout (the statement may still run)', new Error('Query read timeout')],
  ];
  for (const [label, error] of broken) {
    it(`broken: ${label}`, () => expect(isConnectionError(error)).to.equal(true));
  }

  const healthy: ReadonlyArray<readonly [string, unknown]> = [
    ['22012 division by zero', withCode('22012')],
    ['57014 query_canceled (statement_timeout)', withCode('57014')],
    ['40001 serialization failure', withCode('40001')],
    ['40P01 deadlock', withCode('40P01')],
    ['25P02 in failed transaction', withCode('25P02')],
    ['23505 unique violation', withCode('23505')],
    ['08P01 as an ERROR: a Bind with the wrong number of parameters', withCode('08P01')],
    ['a plain Error', new Error('boom')],
    ['a string', 'Connection terminated'],
    ['null', null],
    ['undefined', undefined],
  ];
  for (const [label, error] of healthy) {
    it(`not broken: ${label}`, () => expect(isConnectionError(error)).to.equal(false));
  }
});
