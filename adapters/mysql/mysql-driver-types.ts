/**
 * The structural subset of `mysql2` (3.x, callback API) that the MySQL/MariaDB adapter uses. We don't
 * import mysql2's types so the core has no dependency on it. A few members are mysql2 internals
 * (`execute` on a command, the packet readers, `config.charsetNumber`): they are what mysql2's own
 * commands use, and the adapter checks at connect time that they still behave as expected.
 */

/** One wire packet as mysql2 hands it to a command (`lib/packets/packet.js`). */
export interface MysqlPacket {
  /** Read position; the payload starts here when a command receives the packet. */
  offset: number;
  peekByte(): number;
  /** An EOF packet: first byte 0xFE and shorter than 13 bytes (mysql2's own test). */
  isEOF(): boolean;
  /** The server status flags of an EOF packet. */
  eofStatusFlags(): number;
  readInt8(): number;
  readInt16(): number;
  readLengthCodedNumber(): number | string | null;
}

/** Session-state data mysql2 parses out of an OK packet when `SESSION_TRACK` is negotiated. */
export interface MysqlStateChanges {
  readonly systemVariables?: Readonly<Record<string, string>>;
  readonly schema?: string | null;
}

/** The OK packet of a statement without a result set (mysql2's `ResultSetHeader`). */
export interface MysqlOkPacket {
  readonly affectedRows: number;
  readonly insertId?: number;
  readonly serverStatus?: number;
  readonly stateChanges?: MysqlStateChanges;
}

/** One column definition of a result set (mysql2's `ColumnDefinition`). */
export interface MysqlField {
  readonly name: string;
  /** MySQL column type id (`MYSQL_TYPE_*`). */
  readonly columnType?: number;
}

/**
 * What a query callback receives: one result (rows or an OK packet), or — for a `CALL` answering
 * with several results — one entry per result.
 */
export type MysqlQueryCallback = (
  error: MysqlError | null,
  rows?: unknown,
  fields?: unknown,
) => void;

/** A mysql2 command (`Query`, `Ping`, `ResetConnection`…): an event emitter driven packet by packet. */
export interface MysqlCommand {
  /** Called by the connection with each packet of this command's reply (`undefined` to start it). */
  execute(packet: MysqlPacket | undefined, connection: unknown): boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
  once(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
}

/** A readable stream of rows, as `query.stream()` returns it (a Node `Readable` in object mode). */
export interface MysqlRowStream extends AsyncIterable<unknown> {
  readonly destroyed: boolean;
  destroy(error?: Error): unknown;
}

/** A `Query` command: callback-less queries are streamed with `stream()`. */
export interface MysqlQueryCommand extends MysqlCommand {
  stream(options?: { highWaterMark?: number }): MysqlRowStream;
}

/** Options of one `connection.query()`. */
export interface MysqlQueryOptions {
  readonly sql: string;
  readonly values?: unknown;
  readonly namedPlaceholders?: boolean;
}

/** A mysql2 error: server errors carry `errno`/`sqlState`, connection-level ones `fatal`. */
export interface MysqlError extends Error {
  code?: string;
  errno?: number;
  sqlState?: string;
  fatal?: boolean;
}

/** A mysql2 `Connection` (callback API). Also what unipool hands out as the MySQL connection object. */
export interface MysqlConnection {
  /** Server thread id (`CONNECTION_ID()`), set once the handshake is done. */
  readonly threadId: number | null;
  /** mysql2 ≥ 3.x: `error` (fatal/protocol error), `disconnected`, `authenticated`… */
  readonly state?: string;
  readonly config: { charsetNumber?: number };
  query(options: MysqlQueryOptions, callback: MysqlQueryCallback): MysqlQueryCommand;
  query(options: MysqlQueryOptions): MysqlQueryCommand;
  /** The positional form: mysql2 builds its options object without copying one of ours. */
  query(sql: string, values: unknown, callback: MysqlQueryCallback): MysqlQueryCommand;
  /** A server-side prepared statement (binary protocol), prepared once and kept in mysql2's LRU (`maxPreparedStatements`). */
  execute(sql: string, values: unknown, callback: MysqlQueryCallback): MysqlQueryCommand;
  ping(callback: (error: MysqlError | null) => void): MysqlCommand;
  /** COM_RESET_CONNECTION (mysql2 ≥ 3.x). */
  reset?(callback: (error: MysqlError | null) => void): MysqlCommand;
  /** COM_CHANGE_USER, the fallback when `reset` is missing. */
  changeUser(options: Record<string, never>, callback: (error: MysqlError | null) => void): MysqlCommand;
  connect(callback: (error: MysqlError | null) => void): void;
  end(callback?: (error?: MysqlError | null) => void): unknown;
  destroy(): void;
  on(event: 'error', listener: (error: MysqlError) => void): unknown;
  removeListener(event: 'error', listener: (error: MysqlError) => void): unknown;
  /** The socket; destroyed hard to stop a server still sending an abandoned result. */
  readonly stream?: { readonly destroyed?: boolean; destroy?(): void };
  readonly _fatalError?: unknown;
  readonly _protocolError?: unknown;
  readonly _closing?: boolean;
}

/** The `mysql2` module (callback API). */
export interface MysqlDriver {
  createConnection(options: Record<string, unknown>): MysqlConnection;
}
