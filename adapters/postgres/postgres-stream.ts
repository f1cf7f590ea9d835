import type { Row } from '../../src/adapter.js';
import { connectionState, isOpen, takeTurn, untilReadyForQuery } from './postgres-connection-state.js';
import type { PgClient, PgCursor, PgCursorConstructor, PgFieldDescription } from './postgres-driver-types.js';
import { checkInt8Columns, int8Columns } from './postgres-int64.js';
import { isConnectionError, isServerError } from './postgres-errors.js';
import { recordStatementTags, sessionStateOfAll, type StatementTag } from './postgres-session-state.js';

/** Resolves when the wire connection closes; `cancel` removes the listener. */
function whenEnded(client: PgClient): { promise: Promise<void>; cancel: () => void } {
  let cancel = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    const done = (): void => resolve();
    client.connection.once('end', done);
    cancel = () => client.connection.removeListener('end', done);
  });
  return { promise, cancel };
}

/**
 * Closes the portal so the client is idle again. pg-cursor's close() waits for the next
 * ReadyForQuery, which never comes on a dead socket: stop waiting when the connection ends.
 */
async function closeCursor(client: PgClient, cursor: PgCursor): Promise<void> {
  if (cursor.state === 'done' || cursor.state === 'error' || !isOpen(client)) return;
  const ended = whenEnded(client);
  try {
    await Promise.race([cursor.close(), ended.promise]);
  } finally {
    ended.cancel();
  }
}

/**
 * Rows of `sql` through a pg-cursor portal, `batchSize` at a time. Every way out — the last row, a
 * `break`/`throw` in the consumer's loop (the generator's `return()`), an error while reading —
 * leaves the client idle (`isUsable` true) or dead, never mid-portal.
 */
export async function* streamRows(
  client: PgClient,
  loadCursor: () => Promise<PgCursorConstructor>,
  sql: string,
  values: unknown[] | undefined,
  batchSize: number,
): AsyncGenerator<Row, void, undefined> {
  const Cursor = await loadCursor();
  // The turn is held from the first read until the cursor is closed: the client is busy all along.
  let endTurn = (): void => undefined;
  await takeTurn(client, async (done) => {
    endTurn = done;
  });
  let failed = false;
  let cursor: PgCursor | undefined;
  let tags: StatementTag[] = [];
  // int64 "number": the int8 columns, whose values are checked batch by batch.
  let int64Columns: readonly string[] = [];
  try {
    // Inside the try: pg-cursor serialises the values here and may throw (a circular object).
    cursor = new Cursor(sql, values ?? null);
    tags = recordStatementTags(cursor);
    const checked = cursor;
    if (connectionState(client).checkInt64) {
      const onRowDescription = checked.handleRowDescription;
      checked.handleRowDescription = (message) => {
        int64Columns = int8Columns((message as { fields?: PgFieldDescription[] }).fields);
        onRowDescription.call(checked, message);
      };
    }
    client.query(cursor);
    for (;;) {
      let rows: Row[];
      try {
        rows = await cursor.read(batchSize);
      } catch (error) {
        failed = true;
        // After the server's ErrorResponse pg-cursor has already sent Sync: wait for its
        // ReadyForQuery so the transaction status the core reads next is current. An error thrown
        // on this side (pg's writer refusing a value) sent nothing, and no ReadyForQuery will come:
        // the portal stays open, `isUsable` reports it, and the core destroys the connection.
        if (isServerError(error) && !isConnectionError(error)) await untilReadyForQuery(client);
        throw error;
      }
      if (rows.length === 0) return;
      checkInt8Columns(rows, int64Columns);
      for (const row of rows) yield row;
    }
  } finally {
    try {
      if (!failed && cursor !== undefined) await closeCursor(client, cursor);
    } finally {
      // A streamed SET or CREATE has no result to report it on: make the connection unusable
      // without a reset instead.
      const change = sessionStateOfAll(tags);
      if (change !== undefined) connectionState(client).unreportedSessionState ??= change.statement;
      // pg's query_timeout armed a timer for the cursor that only this callback clears: left alone
      // it would fire after the stream ended (harmless, but it would keep the process alive).
      cursor?.callback?.(null);
      endTurn();
    }
  }
}
