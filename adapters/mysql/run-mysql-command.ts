import { connectionState, failEverythingQueued, forgetInFlight, type MysqlConnectionState } from './mysql-connection-state.js';
import type { MysqlCommand, MysqlConnection, MysqlError, MysqlQueryOptions } from './mysql-driver-types.js';
import { readServerStatus, ServerStatusReader } from './server-status-reader.js';

/** What one query answered, with the status flags the server sent at its end. */
export interface MysqlReply {
  readonly rows: unknown;
  readonly fields: unknown;
  readonly reader: ServerStatusReader;
}

/**
 * How a command's reply becomes its promise's value: `settle` shapes the reply before the promise
 * resolves; `afterError`, when it returns a promise, runs before it rejects. Plain functions of the
 * connection, shared by every command (no closure per statement).
 */
export interface ReplyHandler<T> {
  settle(conn: MysqlConnection, reader: ServerStatusReader, rows: unknown, fields: unknown): T;
  afterError?(conn: MysqlConnection, error: MysqlError): Promise<void> | undefined;
}

/** Where a command's outcome goes: a promise's resolve and reject, or the core's `QuerySink`. */
export interface CommandSink<T> {
  resolved(value: T): void;
  failed(error: unknown): void;
}

/** Starts a command on the connection with mysql2's callback; returns it (undefined when mysql2 returns nothing). */
type Start<A> = (conn: MysqlConnection, arg: A, done: (error: MysqlError | null, rows?: unknown, fields?: unknown) => void, backstop: Backstop) => MysqlCommand | undefined;

/** The statementTimeoutMs backstop of one command, for a start that arms it later (see `armBackstop`). */
export interface Backstop {
  /** Arms it now: for a pipelined statement, when its turn comes rather than when it was sent. */
  armBackstop(): void;
}

/**
 * One command in flight: settles its promise once, from mysql2's callback or from close() (which
 * destroys the connection under it, see `inFlight`). A record with methods rather than a handful of
 * closures: this is allocated for every statement.
 */
class PendingCommand<T> {
  reader: ServerStatusReader | undefined = undefined;
  #settled = false;
  readonly #conn: MysqlConnection;
  readonly #state: MysqlConnectionState;
  readonly #sink: CommandSink<T>;
  readonly #handler: ReplyHandler<T>;
  /** The statementTimeoutMs backstop; only set when the database has a limit. */
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(conn: MysqlConnection, state: MysqlConnectionState, sink: CommandSink<T>, handler: ReplyHandler<T>, armLater: boolean) {
    this.#conn = conn;
    this.#state = state;
    this.#sink = sink;
    this.#handler = handler;
    state.pending += 1;
    state.inFlight.push(this);
    if (!armLater) this.armBackstop();
  }

  /**
   * Starts the statementTimeoutMs backstop, if the database has a limit. A statement runs alone
   * from the moment it is sent; a pipelined one waits its turn behind others first, and the
   * server's own limit counts from its turn too — so its backstop is armed then.
   */
  armBackstop(): void {
    const state = this.#state;
    if (state.clientTimeoutMs <= 0 || this.#settled || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => this.#expire(), state.clientTimeoutMs);
    this.#timer.unref();
  }

  /**
   * No answer within statementTimeoutMs plus the grace: the server's own limit did not answer
   * (a black-holed network, a frozen server, or a MySQL statement max_execution_time does not
   * cover). mysql2 has no read timeout of its own that frees the connection, and the statement may
   * still be running, so the connection is destroyed and every command on it fails.
   */
  #expire(): void {
    if (this.#settled) return;
    const state = this.#state;
    const error = Object.assign(new Error(`Query inactivity timeout: no answer within ${state.clientTimeoutMs} ms (statementTimeoutMs plus the grace)`), {
      code: 'PROTOCOL_SEQUENCE_TIMEOUT',
      fatal: true,
    });
    failEverythingQueued(this.#conn, state, error);
  }

  /** mysql2 threw instead of queueing the command: it never will call back. */
  notStarted(error: Error): void {
    forgetInFlight(this.#state, this);
    this.abort(error);
  }

  /** close() destroyed the connection under this command. */
  abort(error: Error): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#settled) return;
    this.#settled = true;
    this.#state.pending -= 1;
    this.#sink.failed(error);
  }

  /** mysql2's callback. */
  finish(error: MysqlError | null, rows: unknown, fields: unknown): void {
    const state = this.#state;
    forgetInFlight(state, this);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#settled) return;
    this.#settled = true;
    state.pending -= 1;
    const reader = this.reader;
    if (reader?.status !== undefined) state.serverStatus = reader.status;
    if (error) {
      const refreshing = this.#handler.afterError?.(this.#conn, error);
      if (refreshing === undefined) this.#sink.failed(error);
      else void refreshing.then(() => this.#sink.failed(error));
      return;
    }
    let value: T;
    try {
      value = this.#handler.settle(this.#conn, reader ?? new ServerStatusReader(), rows, fields);
    } catch (settleError) {
      this.#sink.failed(settleError);
      return;
    }
    this.#sink.resolved(value);
  }
}

/**
 * Queues a command with a callback, reads the status flags of its reply, and records them on the
 * connection before the promise settles — so `transactionState()` is current the moment a query
 * resolves. One promise per statement.
 */
function run<A, T>(conn: MysqlConnection, start: Start<A>, arg: A, handler: ReplyHandler<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    runInto(conn, start, arg, handler, { resolved: resolve, failed: reject });
  });
}

/**
 * `run()` with the outcome handed to `sink`: no promise at all, for the core's `queryInto` (the
 * path every query outside a transaction takes).
 */
export function runInto<A, T>(conn: MysqlConnection, start: Start<A>, arg: A, handler: ReplyHandler<T>, sink: CommandSink<T>, armLater = false): void {
  const pending = new PendingCommand(conn, connectionState(conn), sink, handler, armLater);
  let command;
  try {
    command = start(conn, arg, (error, rows, fields) => pending.finish(error, rows, fields), pending);
  } catch (error) {
    // mysql2 refused the command before queueing it (a value its escaping cannot format).
    pending.notStarted(error as Error);
    return;
  }
  // mysql2 writes the request synchronously but reads the reply later, so the reader attached
  // here sees every reply packet. On a closed connection mysql2 fails the command at once and
  // `ping()`/`reset()` return nothing.
  if (command) pending.reader = readServerStatus(command);
}

/** The reply as it came: rows, fields and the status reader. */
export const RAW_REPLY: ReplyHandler<MysqlReply> = { settle: (_conn, reader, rows, fields) => ({ rows, fields, reader }) };

/** Nothing to return. */
const NO_REPLY: ReplyHandler<void> = { settle: () => undefined };

/**
 * Runs one text-protocol query (`COM_QUERY`; values are escaped client-side by mysql2). The
 * positional form unless named placeholders need the options object: mysql2 spreads an options
 * object into a copy of its own on every query, which is a tenth of the query's cost.
 */
export function runQuery<T>(conn: MysqlConnection, options: MysqlQueryOptions, handler: ReplyHandler<T>): Promise<T> {
  return run(conn, options.namedPlaceholders === true ? startNamedQuery : startQuery, options, handler);
}

function startQuery(conn: MysqlConnection, options: MysqlQueryOptions, done: (error: MysqlError | null, rows?: unknown, fields?: unknown) => void): MysqlCommand | undefined {
  return conn.query(options.sql, options.values, done);
}

function startNamedQuery(conn: MysqlConnection, options: MysqlQueryOptions, done: (error: MysqlError | null, rows?: unknown, fields?: unknown) => void): MysqlCommand | undefined {
  return conn.query(options, done);
}

/** `runQuery()`, or `runExecute()` when `execute` is true, with the outcome handed to `sink` (no promise). */
export function runStatementInto<T>(conn: MysqlConnection, options: MysqlQueryOptions, execute: boolean, handler: ReplyHandler<T>, sink: CommandSink<T>): void {
  runInto(conn, execute ? startExecute : options.namedPlaceholders === true ? startNamedQuery : startQuery, options, handler, sink);
}

function startExecute(conn: MysqlConnection, options: MysqlQueryOptions, done: (error: MysqlError | null, rows?: unknown, fields?: unknown) => void): MysqlCommand | undefined {
  return conn.execute(options.sql, options.values, done);
}

/** COM_PING; its OK packet carries the current status flags, so it also refreshes them. */
export function runPing(conn: MysqlConnection): Promise<void> {
  return run(conn, startPing, undefined, NO_REPLY);
}

function startPing(conn: MysqlConnection, _arg: undefined, done: (error: MysqlError | null) => void): MysqlCommand | undefined {
  return conn.ping(done);
}

/**
 * COM_RESET_CONNECTION where mysql2 has `reset()` (it also clears mysql2's prepared-statement
 * cache); otherwise COM_CHANGE_USER with the connection's own credentials, which resets the same
 * state but authenticates again.
 */
export function runReset(conn: MysqlConnection): Promise<void> {
  return run(conn, startReset, undefined, NO_REPLY);
}

function startReset(conn: MysqlConnection, _arg: undefined, done: (error: MysqlError | null) => void): MysqlCommand | undefined {
  return typeof conn.reset === 'function' ? conn.reset(done) : conn.changeUser({}, done);
}
