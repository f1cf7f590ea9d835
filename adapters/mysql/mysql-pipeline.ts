import type { AdapterResult, QueryParams } from '../../src/adapter.js';
import { UnipoolError } from '../../src/errors.js';
import { StatementLru } from '../../src/statement-lru.js';
import { adapterResultOf } from './mysql-adapter-result.js';
import { connectionState, isOpen, type MysqlConnectionState } from './mysql-connection-state.js';
import type { MysqlCommand, MysqlConnection, MysqlError } from './mysql-driver-types.js';
import { checkMysqlValues } from './mysql-values.js';
import { runInto, type Backstop, type CommandSink, type ReplyHandler } from './run-mysql-command.js';
import { canSendAhead, corkUntilNextTurn, executeCommand, queryCommand, sendAhead, sendsInOrder, type PreparedStatement } from './mysql-send-ahead.js';
import { isAutocommitIdle, ServerStatus, type ServerStatusReader } from './server-status-reader.js';

/**
 * Pipelining on MySQL/MariaDB (the database option `pipeline`): a statement may be written on a
 * connection while earlier ones are still being answered, if it ran alone on that connection
 * before and left the transaction and session state as they were. The server answers commands in
 * order and an error ends only its own command, so neighbours never fail together; the status
 * flags of each reply are still checked — a pipelined statement that finds a transaction open is
 * never reported as done.
 */

/** Statement texts each connection remembers the outcome of, at least (more with a larger statementCacheSize). */
export const LEARNED_STATEMENTS = 100;

/** Status flags of an idle session: no transaction, autocommit on, backslash escapes on (needed by the text protocol's values). */
const IDLE_FLAGS = ServerStatus.IN_TRANS | ServerStatus.AUTOCOMMIT | ServerStatus.NO_BACKSLASH_ESCAPES;

function isIdleSession(status: number): boolean {
  return (status & IDLE_FLAGS) === ServerStatus.AUTOCOMMIT;
}

/** Called at connect with `pipeline` on: the connection starts learning which statements may be pipelined. */
export function startLearning(conn: MysqlConnection, statementCacheSize: number | undefined): void {
  if (!canSendAhead(conn)) return;
  connectionState(conn).learned = new StatementLru<boolean>(Math.max(statementCacheSize ?? 0, LEARNED_STATEMENTS));
}

/** mysql2's prepared statements on one connection (prepared mode), by its statement key. */
interface WithStatements {
  readonly _statements?: { get(key: string): PreparedStatement | undefined; has(key: string): boolean };
  readonly constructor: { statementKey?(options: { sql: string }): string };
}

function statementKey(conn: MysqlConnection, sql: string): string | undefined {
  return (conn as unknown as WithStatements).constructor.statementKey?.({ sql });
}

function hasPrepared(conn: MysqlConnection, sql: string): boolean {
  const key = statementKey(conn, sql);
  return key !== undefined && (conn as unknown as WithStatements)._statements?.has(key) === true;
}

/**
 * True when `sql` may be written on `conn` now, behind the pipelined statements in flight there:
 * positional parameters; learned clean on this connection; every command in flight pipelined; the
 * session idle; in prepared mode, mysql2 still holds the prepared statement.
 */
export function mayPipeline(conn: MysqlConnection, sql: string, params: QueryParams | undefined): boolean {
  if (!Array.isArray(params) || params.length === 0) return false;
  const state = connectionState(conn);
  const learned = state.learned;
  if (learned === undefined || state.pending !== state.pipelined || state.deferredBegin !== undefined || state.streaming || state.retiredBecause !== undefined) return false;
  if (!isIdleSession(state.serverStatus) || !isOpen(conn) || !sendsInOrder(conn)) return false;
  if (learned.get(sql) !== true) return false;
  // A `;` runs alone while multi-statement mode may be on: it switches the mode off first.
  if (state.multiStatements !== false && sql.includes(';')) return false;
  return !state.prepared || hasPrepared(conn, sql);
}

/**
 * A statement about to run alone: when its outcome is not yet known on this connection and the
 * session is idle, returns the sink that learns it (the statement text, and whether the reply
 * left the transaction and session state unchanged); otherwise `sink` itself.
 */
export function learningSink(state: MysqlConnectionState, sql: string, params: QueryParams | undefined, sink: CommandSink<AdapterResult>): CommandSink<AdapterResult> {
  const learned = state.learned;
  if (learned === undefined || !Array.isArray(params) || params.length === 0 || state.pending !== 0 || !isIdleSession(state.serverStatus)) return sink;
  if (learned.get(sql) !== undefined) return sink;
  return {
    resolved(result) {
      learn(state, sql, isIdleSession(state.serverStatus) && result.sessionState === undefined);
      sink.resolved(result);
    },
    failed: (error) => sink.failed(error),
  };
}

/** Records what `sql` did; once it changed state it stays unpipelined for this connection's life (or until evicted). */
function learn(state: MysqlConnectionState, sql: string, clean: boolean): void {
  const learned = state.learned;
  if (learned === undefined) return;
  const known = learned.get(sql);
  if (known === false || known === clean) return;
  if (known !== undefined) learned.delete(sql);
  learned.add(sql, clean);
}

/**
 * Sends a statement `mayPipeline()` allowed, without waiting for those in flight. `runAlone` runs
 * it the ordinary way, for a caller that did not ask `mayPipeline()` in the same tick.
 */
export function queryPipelined(conn: MysqlConnection, sql: string, params: QueryParams | undefined, runAlone: () => Promise<AdapterResult>): Promise<AdapterResult> {
  if (!mayPipeline(conn, sql, params)) return runAlone();
  try {
    checkMysqlValues(params as QueryParams);
  } catch (error) {
    return Promise.reject(error);
  }
  const state = connectionState(conn);
  return new Promise((resolve, reject) => {
    state.pipelined++;
    const sink: CommandSink<AdapterResult> = {
      resolved(result) {
        state.pipelined--;
        // Cannot happen for a statement learned clean unless it depends on its values; if it does, never again.
        if (result.sessionState !== undefined) learn(state, sql, false);
        resolve(result);
      },
      failed(error) {
        state.pipelined--;
        reject(error);
      },
    };
    runInto(conn, startPipelined, { sql, values: params as readonly unknown[], state }, PIPELINED_REPLY, sink, true);
  });
}

interface PipelinedStatement {
  readonly sql: string;
  readonly values: readonly unknown[];
  readonly state: MysqlConnectionState;
}

/** Builds the command with mysql2's own code and writes its request at once (see `sendAhead`). */
function startPipelined(conn: MysqlConnection, { sql, values, state }: PipelinedStatement, done: (error: MysqlError | null, rows?: unknown, fields?: unknown) => void, backstop: Backstop): MysqlCommand {
  const command = state.prepared ? executeCommand(preparedStatement(conn, sql), values, done) : queryCommand(conn, sql, values, false, done);
  corkUntilNextTurn(conn);
  // The statementTimeoutMs backstop counts from the statement's turn, as the server's limit does.
  sendAhead(conn, command, state.clientTimeoutMs > 0 ? () => backstop.armBackstop() : undefined);
  return command;
}

function preparedStatement(conn: MysqlConnection, sql: string): PreparedStatement {
  const key = statementKey(conn, sql);
  const statement = key === undefined ? undefined : (conn as unknown as WithStatements)._statements?.get(key);
  // mayPipeline() checked it in the same tick.
  if (statement === undefined) throw new Error('mysql: the prepared statement of a pipelined statement is gone');
  return statement;
}

/**
 * The reply of a pipelined statement: its final status flags must show the idle session it was
 * learned in. A transaction open there means some statement ahead of it opened one (or it did):
 * its work is not committed, so it is not reported done, and the connection is marked broken —
 * destroyed once its statements settle, which rolls the transaction back.
 */
function pipelinedResult(conn: MysqlConnection, reader: ServerStatusReader, rows: unknown, fields: unknown): AdapterResult {
  const status = reader.status;
  const state = connectionState(conn);
  if (status === undefined || !isAutocommitIdle(status)) {
    state.broken = true;
    throw new UnipoolError(
      'UNIPOOL_PIPELINE_IN_TRANSACTION',
      `mysql: a pipelined statement ran inside a transaction it did not open, or with autocommit off (server status 0x${(status ?? 0).toString(16)}): its work is not committed, and the connection was destroyed, which rolls it back. Retry it if it is idempotent, or set pipeline: false.`,
    );
  }
  return adapterResultOf(conn, reader, rows, fields);
}

const PIPELINED_REPLY: ReplyHandler<AdapterResult> = { settle: pipelinedResult };
