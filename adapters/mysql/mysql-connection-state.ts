import type { Int64Mode } from '../../src/adapter.js';
import type { StatementLru } from '../../src/statement-lru.js';
import type { MysqlConnection } from './mysql-driver-types.js';

/** The session settings a fresh connection had, re-applied after COM_RESET_CONNECTION. */
export interface MysqlBaseline {
  /** `@@character_set_client` / `@@collation_connection` right after the handshake. */
  readonly charset: string;
  readonly collation: string;
  /** `@@sql_mode` right after the handshake (mysql2's CLIENT_IGNORE_SPACE flag adds IGNORE_SPACE). */
  readonly sqlMode: string;
  /** mysql2's `config.charsetNumber` at connect; session tracking of `SET NAMES` changes it. */
  readonly charsetNumber: number | undefined;
  /** `DATABASE()` at connect; a reset keeps the current database, so a `USE` is undone explicitly. */
  readonly database: string | null;
}

/** What the adapter tracks about one mysql2 connection beyond what mysql2 itself records. */
export interface MysqlConnectionState {
  /** Flags of the last final OK/EOF packet the server sent on this connection. */
  serverStatus: number;
  /** The default database as the server last reported it (session tracking of `USE`). */
  schema: string | null;
  baseline: MysqlBaseline | undefined;
  /** Commands the adapter queued that have not answered yet. */
  pending: number;
  /**
   * Of `pending`, the pipelined statements (`pipeline`): written at once, behind one another,
   * each waiting in mysql2's queue for its own reply.
   */
  pipelined: number;
  /**
   * With `pipeline` on, what each statement text did when it last ran alone here: true — it left
   * the transaction and session state as they were (it may be pipelined); false — it changed
   * them once, so it never is. Undefined when pipelining is off or mysql2 lacks what it needs.
   */
  learned: StatementLru<boolean> | undefined;
  /**
   * The START TRANSACTION `begin()` recorded but has not sent: the block's first statement carries
   * it (see `mysql-deferred-begin.ts`).
   */
  deferredBegin: string | undefined;
  /**
   * The server's multi-statement mode as last switched (COM_SET_OPTION): false at connect; true
   * once a START TRANSACTION was sent with a first statement; undefined (may be either) after a
   * reset. While it may be on, a statement whose SQL holds a `;` switches it off first
   * (see `mysql-multi-statements.ts`).
   */
  multiStatements: boolean | undefined;
  /** A `stream()` result is being read. */
  streaming: boolean;
  /**
   * The connection must not be reused: a stream was abandoned while the server was still sending,
   * or session state changed where no result could report it. The core destroys it.
   */
  retiredBecause: string | undefined;
  /** mysql2 emitted `error`, or the adapter is closing it. */
  broken: boolean;
  closing: boolean;
  /** `onBroken` was already called (mysql2 can emit `error` twice for one death). */
  reportedBroken: boolean;
  /**
   * Fails a command or stream still in flight. mysql2's `destroy()` sets its closing flag before the
   * socket closes, so it never tells those commands: without these, a statement running when the
   * pool closes the connection by force would never settle.
   */
  readonly inFlight: { abort(error: Error): void }[];
  /** How BIGINT columns are returned (the database option `int64`). */
  int64: Int64Mode;
  /**
   * `statementCacheSize` above 0: statements with positional parameters run as server-side
   * prepared statements (mysql2 `execute()`, its cache bounded by `maxPreparedStatements`).
   */
  prepared: boolean;
  /**
   * statementTimeoutMs as this server spells it (`, max_statement_time = 0.3` on MariaDB,
   * `, max_execution_time = 300` on MySQL), appended to the session setup at connect and after each
   * reset, which sets session variables back to the global values; '' when there is no limit.
   */
  timeoutSetting: string;
  /** The client backstop of statementTimeoutMs, in ms: a command with no answer by then ends the connection; 0 = none. */
  clientTimeoutMs: number;
}

// Kept on the connection under a symbol: the object handed to the core stays the plain mysql2
// connection (nothing of mysql2's is shadowed), and the lookup — several per query — is a property
// read rather than a WeakMap probe.
const STATE = Symbol('unipool.mysqlState');
type WithState = MysqlConnection & { [STATE]?: MysqlConnectionState };

/** The adapter's state for `conn`, created on first use. */
export function connectionState(conn: MysqlConnection): MysqlConnectionState {
  let state = (conn as WithState)[STATE];
  if (state === undefined) {
    state = {
      serverStatus: 0,
      schema: null,
      baseline: undefined,
      pending: 0,
      pipelined: 0,
      learned: undefined,
      deferredBegin: undefined,
      multiStatements: false,
      streaming: false,
      retiredBecause: undefined,
      broken: false,
      closing: false,
      reportedBroken: false,
      inFlight: [],
      int64: 'number',
      prepared: false,
      timeoutSetting: '',
      clientTimeoutMs: 0,
    };
    (conn as WithState)[STATE] = state;
  }
  return state;
}

/** True while mysql2 and the adapter both consider the connection open. */
export function isOpen(conn: MysqlConnection): boolean {
  const state = connectionState(conn);
  if (state.broken || state.closing) return false;
  if (conn._fatalError || conn._protocolError || conn._closing === true) return false;
  if (conn.stream?.destroyed === true) return false;
  return conn.state === undefined || (conn.state !== 'error' && conn.state !== 'disconnected');
}

/** Removes `abort` (a command or a stream) from `state.inFlight` (commands finish in order, so it is nearly always the first). */
export function forgetInFlight(state: MysqlConnectionState, abort: { abort(error: Error): void }): void {
  const list = state.inFlight;
  if (list[0] === abort) list.shift();
  else {
    const index = list.indexOf(abort);
    if (index >= 0) list.splice(index, 1);
  }
}

/**
 * A command the rest of the connection's work depended on failed (a START TRANSACTION, a switch of
 * multi-statement mode): closes the socket — mysql2 writes nothing more on it — and fails every
 * command still queued behind with that error. Must run while mysql2 is still reading the reply
 * (synchronously in the command's callback), before it starts the next command.
 */
export function failEverythingQueued(conn: MysqlConnection, state: MysqlConnectionState, error: unknown): void {
  state.broken = true;
  conn.stream?.destroy?.();
  conn.destroy();
  for (const command of state.inFlight.splice(0)) command.abort(error as Error);
}
