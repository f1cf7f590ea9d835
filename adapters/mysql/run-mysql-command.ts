import { connectionState } from './mysql-connection-state.js';
import type { MysqlCommand, MysqlConnection, MysqlError, MysqlQueryOptions } from './mysql-driver-types.js';
import { readServerStatus, ServerStatusReader } from './server-status-reader.js';

/** What one query answered, with the status flags the server sent at its end. */
export interface MysqlReply {
  readonly rows: unknown;
  readonly fields: unknown;
  readonly reader: ServerStatusReader;
}

/** Gives a driver error a stack that leads back to the caller (mysql2's starts at the socket read). */
function withCallerStack(error: MysqlError): MysqlError {
  if (error instanceof Error) Error.captureStackTrace(error, withCallerStack);
  return error;
}

/**
 * Queues a command with a callback, reads the status flags of its reply, and records them on the
 * connection before the promise settles — so `transactionState()` is current the moment a query
 * resolves.
 */
function run<T>(
  conn: MysqlConnection,
  start: (done: (error: MysqlError | null, rows?: unknown, fields?: unknown) => void) => MysqlCommand | undefined,
  settle: (reader: ServerStatusReader, rows: unknown, fields: unknown) => T,
): Promise<T> {
  const state = connectionState(conn);
  return new Promise<T>((resolve, reject) => {
    let reader: ServerStatusReader | undefined;
    let settled = false;
    state.pending += 1;
    // Called by close() when it destroys the connection under this command (see `inFlight`).
    const abort = (error: Error): void => {
      if (settled) return;
      settled = true;
      state.pending -= 1;
      reject(error);
    };
    state.inFlight.add(abort);
    const command = start((error, rows, fields) => {
      state.inFlight.delete(abort);
      if (settled) return;
      settled = true;
      state.pending -= 1;
      if (reader?.status !== undefined) state.serverStatus = reader.status;
      if (error) reject(withCallerStack(error));
      else resolve(settle(reader ?? new ServerStatusReader(), rows, fields));
    });
    // mysql2 writes the request synchronously but reads the reply later, so the reader attached
    // here sees every reply packet. On a closed connection mysql2 fails the command at once and
    // `ping()`/`reset()` return nothing.
    if (command) reader = readServerStatus(command);
  });
}

/** Runs one text-protocol query (`COM_QUERY`; values are escaped client-side by mysql2). */
export function runQuery(conn: MysqlConnection, options: MysqlQueryOptions): Promise<MysqlReply> {
  return run(
    conn,
    // The positional form unless named placeholders need the options object: mysql2 spreads an
    // options object into a copy of its own on every query, which is a tenth of the query's cost.
    (done) => (options.namedPlaceholders === true ? conn.query(options, done) : conn.query(options.sql, options.values, done)),
    (reader, rows, fields) => ({ rows, fields, reader }),
  );
}

/** COM_PING; its OK packet carries the current status flags, so it also refreshes them. */
export function runPing(conn: MysqlConnection): Promise<void> {
  return run(conn, (done) => conn.ping(done), () => undefined);
}

/**
 * COM_RESET_CONNECTION where mysql2 has `reset()` (it also clears mysql2's prepared-statement
 * cache); otherwise COM_CHANGE_USER with the connection's own credentials, which resets the same
 * state but authenticates again.
 */
export function runReset(conn: MysqlConnection): Promise<void> {
  const reset = conn.reset;
  return run(
    conn,
    (done) => (typeof reset === 'function' ? reset.call(conn, done) : conn.changeUser({}, done)),
    () => undefined,
  );
}
