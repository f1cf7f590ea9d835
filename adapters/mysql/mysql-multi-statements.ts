import { connectionState, failEverythingQueued, type MysqlConnectionState } from './mysql-connection-state.js';
import type { MysqlConnection, MysqlError, MysqlPacket } from './mysql-driver-types.js';
import { nothingUnsent, sendRawAhead } from './mysql-send-ahead.js';

/**
 * The server's multi-statement mode, switched with COM_SET_OPTION.
 *
 * A START TRANSACTION sent with a block's first statement needs it (`mysql-deferred-begin.ts`):
 * the two go as one query, which stops at its first error. Switching it on and off around every
 * such query cost two commands per transaction — measured, about a tenth of W3's client and server
 * CPU — so it is switched on once, with the first such query, and left on. What keeps every other
 * query one statement is the `;`: without one, SQL text is one statement whatever the mode (values
 * are escaped into quoted literals and cannot add one). So while the mode may be on, a statement
 * whose SQL holds a `;` — and any command a library sends through `db.mysqlPool()`, whose SQL we
 * do not read — switches it off first. A value, or text glued into SQL, can never stack a second
 * statement.
 */

/** COM_SET_OPTION and its two options (client/server protocol). */
const COM_SET_OPTION = 0x1b;
const MULTI_STATEMENTS_ON = 0;
const MULTI_STATEMENTS_OFF = 1;

/** The COM_SET_OPTION request, its packet numbered 0. */
function setOptionRequest(option: number): Buffer {
  return Buffer.from([3, 0, 0, 0, COM_SET_OPTION, option, 0]);
}

/**
 * COM_SET_OPTION as a mysql2 command. Written ahead (`sendRawAhead`), or by `execute` when mysql2
 * starts it; it reads its one reply packet (EOF, or ERR) and hands the outcome to `settled`.
 * Counted among the connection's commands in flight until then.
 */
class SetOptionCommand {
  readonly #state: MysqlConnectionState;
  readonly #request: Buffer | undefined;
  readonly #settled: (error: MysqlError | null) => void;
  #started = false;
  #done = false;

  /** `request`: written when mysql2 starts the command; undefined when it was written ahead. */
  constructor(state: MysqlConnectionState, request: Buffer | undefined, settled: (error: MysqlError | null) => void) {
    this.#state = state;
    this.#request = request;
    this.#settled = settled;
    state.pending += 1;
  }

  execute(packet: MysqlPacket | undefined, connection: unknown): boolean {
    const conn = connection as { sequenceId: number; write(buffer: Buffer): void; clientEncoding?: string };
    if (!this.#started) {
      this.#started = true;
      if (this.#request !== undefined) conn.write(this.#request);
      // The reply is numbered after our one request packet.
      conn.sequenceId = 1;
      return false;
    }
    if (packet === undefined) return false;
    const failed = packet.peekByte() === 0xff;
    this.#finish(failed ? Object.assign(new Error('mysql: COM_SET_OPTION (multi-statement mode) failed'), { code: 'UNIPOOL_CONNECTION_BROKEN' }) : null);
    return true;
  }

  /** mysql2 calls this when the connection fails with the command still queued. */
  onResult(error: MysqlError | null): void {
    this.#finish(error ?? new Error('mysql: the connection closed before COM_SET_OPTION was answered'));
  }

  #finish(error: MysqlError | null): void {
    if (this.#done) return;
    this.#done = true;
    this.#state.pending -= 1;
    this.#settled(error);
  }

  on(): this {
    return this;
  }

  once(): this {
    return this;
  }

  removeListener(): this {
    return this;
  }
}

/**
 * Switches multi-statement mode on, written at once (the caller writes the query that needs it
 * right behind). If the switch fails, that query is a syntax error and runs nothing; the mode is
 * then unknown.
 */
export function multiStatementsOnAhead(conn: MysqlConnection, state: MysqlConnectionState): void {
  if (state.multiStatements === true) return;
  state.multiStatements = true;
  sendRawAhead(
    conn,
    setOptionRequest(MULTI_STATEMENTS_ON),
    new SetOptionCommand(state, undefined, (error) => {
      if (error !== null) state.multiStatements = undefined;
    }),
  );
}

/**
 * Switches multi-statement mode off ahead of `sql` when it holds a `;` and the mode may be on
 * (`sql` undefined: a library's command, whose SQL is not read). Written at once when mysql2 has
 * nothing unsent (no round trip of its own), queued in mysql2's order otherwise; should the switch
 * fail, nothing queued behind it is sent.
 */
export function keepOneStatement(conn: MysqlConnection, sql: string | undefined): void {
  const state = connectionState(conn);
  if (state.multiStatements === false || (sql !== undefined && !sql.includes(';'))) return;
  state.multiStatements = false;
  const failed = (error: MysqlError | null): void => {
    if (error !== null) failEverythingQueued(conn, state, error);
  };
  if (nothingUnsent(conn)) {
    sendRawAhead(conn, setOptionRequest(MULTI_STATEMENTS_OFF), new SetOptionCommand(state, undefined, failed));
    return;
  }
  (conn as unknown as { addCommand(command: unknown): unknown }).addCommand(new SetOptionCommand(state, setOptionRequest(MULTI_STATEMENTS_OFF), failed));
}
