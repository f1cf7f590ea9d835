import type { Row } from '../../src/adapter.js';
import { connectionState, forgetInFlight } from './mysql-connection-state.js';
import type { MysqlConnection, MysqlError, MysqlField, MysqlQueryOptions } from './mysql-driver-types.js';
import { applyInt64ToRow, longlongColumns } from './mysql-int64.js';
import { readServerStatus, ServerStatus } from './server-status-reader.js';

/** Why a connection whose stream was left early is not reused. */
export const ABANDONED_STREAM = 'stream() was left before the server finished sending the result';

/**
 * Rows of one query as mysql2 reads them off the socket (`query().stream()`), with backpressure:
 * when `batchSize` rows wait unread, mysql2 pauses the socket and the server blocks on its send.
 *
 * MySQL has no way to stop a text-protocol result half-way: the server sends every row. So when
 * the consumer leaves early (`break`, `throw` — the generator's `return()`), the connection is
 * marked not reusable (`isUsable()` false), `return()` resolves at once, and the core destroys the
 * connection, which closes the socket so the server stops sending. A result that had already
 * arrived in full leaves the connection reusable.
 */
export async function* streamRows(conn: MysqlConnection, options: MysqlQueryOptions, batchSize: number): AsyncGenerator<Row, void, undefined> {
  const state = connectionState(conn);
  state.pending += 1;
  state.streaming = true;
  const command = conn.query(options);
  const reader = readServerStatus(command);
  let finished = false;
  command.once('end', () => {
    finished = true;
  });
  // BIGINT columns follow the database option int64 (the fields arrive before the first row).
  let int64Columns: readonly string[] = [];
  command.once('fields', (fields: MysqlField[]) => {
    int64Columns = longlongColumns(fields);
  });
  // mysql2 emits a late 'error' on the command (the connection dies while it drains an abandoned
  // result) after the stream has removed its own listener; unheard, it would crash the process.
  command.on('error', () => undefined);
  const rows = command.stream({ highWaterMark: batchSize });
  // mysql2 tells a callback-less command nothing when the socket dies; without this the loop below
  // would wait for rows forever.
  const onConnectionError = (error: MysqlError): void => {
    if (!rows.destroyed) rows.destroy(error);
  };
  conn.on('error', onConnectionError);
  // Nor when the connection is destroyed under the stream (close() by force): see `inFlight`.
  const inFlight = { abort: onConnectionError };
  state.inFlight.push(inFlight);
  try {
    for await (const row of rows) {
      if (int64Columns.length > 0) applyInt64ToRow(state.int64, row as Row, int64Columns);
      yield row as Row;
    }
  } finally {
    forgetInFlight(state, inFlight);
    conn.removeListener('error', onConnectionError);
    state.pending -= 1;
    state.streaming = false;
    if (reader.status !== undefined) state.serverStatus = reader.status;
    if (!finished) {
      state.retiredBecause ??= ABANDONED_STREAM;
      if (!rows.destroyed) rows.destroy();
    } else if ((reader.seenFlags & ServerStatus.SESSION_STATE_CHANGED) !== 0) {
      // A streamed statement has no result to report a session change on (SET STATEMENT … FOR
      // SELECT): retire the connection rather than reset it behind the core's back.
      state.retiredBecause ??= 'a streamed statement changed session state';
    }
  }
}
