import { connectionState } from './mysql-connection-state.js';
import type { MysqlCommand, MysqlConnection, MysqlQueryCallback } from './mysql-driver-types.js';
import { sendDeferredBegin } from './mysql-deferred-begin.js';
import { keepOneStatement } from './mysql-multi-statements.js';
import { refreshAfterError } from './mysql-refresh-after-error.js';
import { readServerStatus, ServerStatus, type ServerStatusReader } from './server-status-reader.js';

/** What a native call reported when it settled. */
export interface NativeCallOutcome {
  /** The server reported a session-state change (user variable, SET, temp table…): reset before reuse. */
  readonly sessionChanged: boolean;
}

/** Starts one mysql2 call (`query`/`execute`/`ping` with the library's own arguments); `callback` is unipool's. */
export type NativeStart = (callback: MysqlQueryCallback | undefined) => MysqlCommand | undefined;

/**
 * Runs a call a library makes on a connection lent by `db.mysqlPool()` with mysql2's own API (any
 * options: `rowsAsArray`, `typeCast`, `execute()`'s prepared statements, `.stream()`), and keeps
 * the adapter's view of the connection right: the status flags of the reply (so the pool knows
 * whether a transaction is open), the commands outstanding (so a connection with an unread result
 * is never handed on), and the default database after a `USE`.
 *
 * With a `callback` the flags are recorded before it runs, so a library that releases the
 * connection from inside its callback releases it in the right state. Without one (event or
 * stream form) they are recorded on the command's `end` event. `settled` runs once, before the
 * library's callback.
 */
export function runNativeCommand(conn: MysqlConnection, start: NativeStart, callback: MysqlQueryCallback | undefined, settled: (outcome: NativeCallOutcome) => void): MysqlCommand | undefined {
  const state = connectionState(conn);
  // Inside atomic() the block's START TRANSACTION may still be unsent: it goes first.
  sendDeferredBegin(conn);
  // A library's SQL is not read: multi-statement mode goes off before it, if it may be on.
  keepOneStatement(conn, undefined);
  // Attached once mysql2 has queued the command; the reply (and so `finish`) always comes later.
  const seen: { reader: ServerStatusReader | undefined } = { reader: undefined };
  let done = false;
  const finish = (rows: unknown): void => {
    if (done) return;
    done = true;
    state.pending -= 1;
    const status = seen.reader?.status;
    if (status !== undefined) state.serverStatus = status;
    const schema = (rows as { stateChanges?: { schema?: unknown } } | null | undefined)?.stateChanges?.schema;
    if (typeof schema === 'string' && schema !== '') state.schema = schema;
    settled({ sessionChanged: ((seen.reader?.seenFlags ?? 0) & ServerStatus.SESSION_STATE_CHANGED) !== 0 });
  };
  const wrapped: MysqlQueryCallback | undefined =
    callback === undefined
      ? undefined
      : (error, rows, fields) => {
          finish(rows);
          // A failed statement can have ended the transaction (deadlock): the current flags are
          // brought in before the library goes on.
          const refreshed = error ? refreshAfterError(conn, error) : undefined;
          if (refreshed === undefined) callback(error, rows, fields);
          else void refreshed.then(() => callback(error, rows, fields));
        };
  state.pending += 1;
  let command: MysqlCommand | undefined;
  try {
    command = start(wrapped);
  } catch (error) {
    // mysql2 validates some arguments synchronously (execute() with `undefined` values) and throws.
    finish(undefined);
    throw error;
  }
  if (command === undefined || command === null) {
    finish(undefined);
    return command;
  }
  seen.reader = readServerStatus(command);
  if (wrapped === undefined) {
    let rowsOk: unknown;
    command.once('result', ((row: unknown) => (rowsOk = row)) as (...args: never[]) => void);
    command.once('end', (() => finish(rowsOk)) as (...args: never[]) => void);
  }
  return command;
}

/** Marks a connection whose reply a library abandoned (a stream broken off): it is destroyed, never reused. */
export function retireNativeConnection(conn: MysqlConnection, why: string): void {
  connectionState(conn).retiredBecause = why;
}
