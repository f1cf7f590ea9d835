import type { Row } from '../../src/adapter.js';
import { connectionState } from './oracle-connection-state.js';
import type { OracleBinds, OracleConnection, OracleResultSet } from './oracle-driver-types.js';
import { isConnectionError } from './oracle-errors.js';

/** Closes a result set; a failure on a live connection retires it (the cursor may still be open). */
async function closeResultSet(conn: OracleConnection, resultSet: OracleResultSet, rethrow: boolean): Promise<void> {
  try {
    await resultSet.close();
  } catch (error) {
    const state = connectionState(conn);
    if (isConnectionError(error)) state.closed = true;
    else state.retiredBecause ??= 'closing a stream() result set failed';
    if (rethrow) throw error;
  }
}

/**
 * Rows of `sql` through an oracledb result set (a server-side cursor), `batchSize` per round trip.
 * Every way out — the last row, a `break`/`throw` in the consumer's loop (the generator's
 * `return()`), an error while fetching — closes the result set, so the connection can be reused.
 */
export async function* streamRows(
  conn: OracleConnection,
  sql: string,
  binds: OracleBinds,
  options: { readonly batchSize: number; readonly outFormat: number },
): AsyncGenerator<Row, void, undefined> {
  const state = connectionState(conn);
  const { batchSize, outFormat } = options;
  state.streaming = true;
  let resultSet: OracleResultSet | undefined;
  let failed = false;
  try {
    const base = { resultSet: true, outFormat, fetchArraySize: batchSize, autoCommit: !state.inAtomic };
    const fetchTypeHandler = state.fetchTypeHandler;
    const result = await conn.execute(sql, binds, fetchTypeHandler === undefined ? base : { ...base, fetchTypeHandler });
    resultSet = result.resultSet;
    if (resultSet === undefined) {
      // Not a query (DML, PL/SQL): nothing to stream.
      return;
    }
    for (;;) {
      let rows: Row[];
      try {
        rows = await resultSet.getRows(batchSize);
      } catch (error) {
        failed = true;
        throw error;
      }
      for (const row of rows) yield row;
      if (rows.length < batchSize) return;
    }
  } finally {
    state.streaming = false;
    // A close error surfaces after a `break` or the last row, never in place of a fetch error (and
    // when the consumer's loop threw, the language keeps the consumer's exception anyway).
    if (resultSet !== undefined) await closeResultSet(conn, resultSet, !failed);
  }
}
