import type { AdapterResult } from '../../src/adapter.js';
import { adapterResultOf } from './mysql-adapter-result.js';
import { connectionState, failEverythingQueued, isOpen, type MysqlConnectionState } from './mysql-connection-state.js';
import { multiStatementsOnAhead } from './mysql-multi-statements.js';
import type { MysqlCommand, MysqlConnection, MysqlError, MysqlQueryOptions } from './mysql-driver-types.js';
import { refreshAfterError } from './mysql-refresh-after-error.js';
import { runInto, runStatementInto, type CommandSink, type ReplyHandler } from './run-mysql-command.js';
import { canSendAhead, queryCommand, sendAhead, sendsInOrder } from './mysql-send-ahead.js';
import { isAutocommitIdle, type ServerStatusReader } from './server-status-reader.js';

/**
 * A transaction's START TRANSACTION, sent with the block's first statement.
 *
 * `begin()` on an idle connection sends nothing: it records the statement, and the block's first
 * statement carries it. MySQL runs each command on its own — a failed START TRANSACTION does not
 * stop the command behind it — so the two cannot simply be written one after the other: the
 * statement would run in autocommit, committed at once, in a block that has failed. One COM_QUERY
 * holding both does stop at the first error (a multi-statement query ends at its first failing
 * statement), so the first statement goes as `START TRANSACTION;<statement>`, in the server's
 * multi-statement mode (switched on with the connection's first such query, written together with
 * it; `mysql-multi-statements.ts` says what keeps every other query one statement). One round
 * trip instead of two. If switching the mode on failed, the combined query is a syntax error and
 * runs nothing.
 *
 * A first statement that cannot be combined — a prepared statement (binary protocol), SQL text
 * holding a `;`, a stream, a savepoint, a library's own command — gets the START TRANSACTION
 * queued alone just ahead of it. If that fails, the connection is closed before mysql2 writes what
 * is queued behind it, so nothing runs outside the transaction.
 */

/** True when `begin()` may defer the START TRANSACTION: nothing in flight, the session idle, mysql2 as expected. */
export function mayDeferBegin(conn: MysqlConnection, state: MysqlConnectionState): boolean {
  return state.pending === 0 && !state.streaming && isAutocommitIdle(state.serverStatus) && isOpen(conn) && canSendAhead(conn);
}

/**
 * Queues the deferred START TRANSACTION, if there is one, ahead of whatever is queued next. Should
 * it fail, its callback — which mysql2 runs before it writes the next command — closes the socket
 * and fails everything queued behind it with its error.
 */
export function sendDeferredBegin(conn: MysqlConnection): void {
  const state = connectionState(conn);
  const sql = state.deferredBegin;
  if (sql === undefined) return;
  state.deferredBegin = undefined;
  runStatementInto(conn, { sql }, false, BEGIN_REPLY, { resolved: () => undefined, failed: (error) => failEverythingQueued(conn, state, error) });
}

/** No `afterError`: the failure must be handled while mysql2 is still reading the reply (synchronously). */
const BEGIN_REPLY: ReplyHandler<void> = { settle: () => undefined };

/**
 * True when the first statement of the block can carry the deferred START TRANSACTION: a
 * text-protocol statement whose SQL holds no `;` (so the combined query is exactly two statements:
 * values are escaped into quoted literals and cannot add one).
 */
export function mayCarryBegin(conn: MysqlConnection, state: MysqlConnectionState, options: MysqlQueryOptions, execute: boolean): boolean {
  return state.deferredBegin !== undefined && !execute && state.pending === 0 && !options.sql.includes(';') && sendsInOrder(conn);
}

/**
 * Sends the block's first statement with the deferred START TRANSACTION in front of it, as one
 * multi-statement query; `sink` gets the statement's own result.
 */
export function runCarryingBegin(conn: MysqlConnection, options: MysqlQueryOptions, sink: CommandSink<AdapterResult>): void {
  runInto(conn, startCarried, options, CARRIED_REPLY, sink);
}

/**
 * Builds the combined query with mysql2's own code and writes it at once, with the switch to
 * multi-statement mode ahead of it when needed. A value mysql2's escaping refuses throws while it
 * is built: nothing is written then, and the START TRANSACTION stays deferred for the block's next
 * statement.
 */
function startCarried(conn: MysqlConnection, options: MysqlQueryOptions, done: (error: MysqlError | null, rows?: unknown, fields?: unknown) => void): MysqlCommand {
  const state = connectionState(conn);
  const command = queryCommand(conn, `${state.deferredBegin as string};${options.sql}`, options.values, options.namedPlaceholders === true, done);
  const stream = conn.stream as { cork?(): void; uncork?(): void } | undefined;
  stream?.cork?.();
  try {
    multiStatementsOnAhead(conn, state);
    sendAhead(conn, command);
  } finally {
    stream?.uncork?.();
  }
  state.deferredBegin = undefined;
  return command;
}

/**
 * The combined query's reply: the START TRANSACTION's OK packet, then the statement's own
 * result(s). The statement's part becomes the result; the status flags are the final packet's
 * (inside the transaction now).
 */
function carriedResult(conn: MysqlConnection, reader: ServerStatusReader, rows: unknown, fields: unknown): AdapterResult {
  const allRows = rows as unknown[];
  const allFields = fields as unknown[];
  const own = allRows.length === 2 ? allRows[1] : allRows.slice(1);
  const ownFields = allRows.length === 2 ? allFields[1] : allFields.slice(1);
  return adapterResultOf(conn, reader, own, ownFields);
}

const CARRIED_REPLY: ReplyHandler<AdapterResult> = { settle: carriedResult, afterError: refreshAfterError };
