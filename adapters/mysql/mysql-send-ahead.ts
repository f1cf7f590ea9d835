import type { MysqlCommand, MysqlConnection, MysqlError, MysqlPacket } from './mysql-driver-types.js';

/**
 * Writing a mysql2 command before mysql2 would (pipelining on MySQL).
 *
 * mysql2 runs one command at a time: a queued command writes its request only when the reply of
 * the one ahead has been read. The server needs no such wait — it reads requests in order and
 * answers them in order — so a command whose request is already on the socket can simply wait in
 * mysql2's queue for its reply. Here mysql2's own code builds the request (values encoded exactly
 * as it would encode them), we write it at once, and the command, queued as usual, is told its
 * request is sent: when its turn comes it reads its reply and nothing else changes.
 */

/** The members of mysql2's connection this uses (internals, checked by `canSendAhead`). */
interface SendAheadConnection {
  addCommand(command: MysqlCommand): MysqlCommand;
  writePacket(packet: MysqlPacket): void;
  write(buffer: Buffer): void;
  sequenceId: number;
  _command: MysqlCommand | null | undefined;
  readonly _commands?: { readonly length: number };
  /** After the handshake mysql2 sets `compress` to the server's COMPRESS capability bit (32), not `true`; `debug` may be a list of packet types. */
  readonly config: { readonly compress?: boolean | number; readonly debug?: unknown };
  readonly stream?: { cork?(): void; uncork?(): void };
}

/** A command as mysql2 drives it: `start` writes the request and returns the reply's first state. */
interface StartableCommand extends MysqlCommand {
  start(packet: MysqlPacket | undefined, connection: unknown): unknown;
  _connection?: unknown;
  [SENT]?: true;
}

/** Marks a command whose request this module wrote. */
const SENT = Symbol('unipool.sentAhead');

function internals(conn: MysqlConnection): SendAheadConnection {
  return conn as unknown as SendAheadConnection;
}

/**
 * True when mysql2 has what sending ahead relies on, and nothing that rewrites packets on the way
 * out: compression numbers the compressed frames per command, and debug logging reads the
 * current command.
 */
export function canSendAhead(conn: MysqlConnection): boolean {
  const c = internals(conn);
  return typeof c.addCommand === 'function' && typeof c.writePacket === 'function' && typeof c.write === 'function' && typeof c.sequenceId === 'number' && !c.config.compress && !c.config.debug;
}

/**
 * True when mysql2 is running nothing, or only commands this module sent: a command sent now
 * lands right behind them. (mysql2 queues its own commands — a CloseStatement — only while a
 * command of ours runs alone, never while sent-ahead ones are in flight.)
 */
export function sendsInOrder(conn: MysqlConnection): boolean {
  const current = internals(conn)._command;
  return current === null || current === undefined || (current as StartableCommand)[SENT] === true;
}

/**
 * True when mysql2 holds no command it has yet to write (the one it runs, if any, has written its
 * request): a request written now is answered right after those in flight.
 */
export function nothingUnsent(conn: MysqlConnection): boolean {
  return internals(conn)._commands?.length === 0;
}

/** What a mysql2 `Connection` class offers for building a query command (static, public in effect). */
interface ConnectionClass {
  createQuery(sql: string | object, values: unknown, callback: Done, config: unknown): StartableCommand & { sql: string; values?: unknown; namedPlaceholders?: boolean };
}
type Done = (error: MysqlError | null, rows?: unknown, fields?: unknown) => void;
interface QueryBuilding {
  readonly constructor: ConnectionClass;
  readonly config: unknown;
  format(sql: string, values: unknown, namedPlaceholders?: boolean): string;
  _resolveNamedPlaceholders(command: unknown): void;
}

/**
 * A text-protocol query command, built as mysql2's `query()` builds it (values formatted by its
 * escaping, which throws for a value it refuses) but not queued.
 */
export function queryCommand(conn: MysqlConnection, sql: string, values: unknown, named: boolean, done: Done): StartableCommand {
  const c = conn as unknown as QueryBuilding;
  const command = c.constructor.createQuery(named ? { sql, values, namedPlaceholders: true } : sql, named ? done : values, done, c.config);
  c._resolveNamedPlaceholders(command);
  command.sql = c.format(command.sql, command.values === undefined ? [] : command.values, command.namedPlaceholders);
  return command;
}

/** mysql2's prepared statement: `execute()` queues an Execute command on its connection. */
export interface PreparedStatement {
  execute(values: unknown, callback: Done): MysqlCommand;
}

/** mysql2's Execute command class, found once through a prepared statement (mysql2 does not export it). */
let executeClass: (new (options: { statement: PreparedStatement; values: unknown }, callback: Done) => StartableCommand) | undefined;

/** A prepared statement's Execute command, built as mysql2 builds it, not queued. */
export function executeCommand(statement: PreparedStatement, values: readonly unknown[], done: Done): StartableCommand {
  if (executeClass === undefined) {
    const built = statement.execute.call({ _connection: { addCommand: (command: MysqlCommand) => command } }, [], () => undefined);
    executeClass = built.constructor as unknown as typeof executeClass;
  }
  return new executeClass!({ statement, values }, done);
}

/** What a command's `start` reads of its connection; it keeps the packets `start` writes. */
class StartView {
  readonly #conn: MysqlConnection & { serverCapabilityFlags?: number; _isMariaDB?: boolean };
  readonly packets: MysqlPacket[] = [];

  constructor(conn: MysqlConnection) {
    this.#conn = conn;
  }

  get config(): unknown {
    return this.#conn.config;
  }

  get serverCapabilityFlags(): number | undefined {
    return this.#conn.serverCapabilityFlags;
  }

  get _isMariaDB(): boolean | undefined {
    return this.#conn._isMariaDB;
  }

  writePacket(packet: MysqlPacket): void {
    this.packets.push(packet);
  }
}

/**
 * Writes `command`'s request now and queues it; it reads its reply when mysql2 reaches it (then
 * `onTurn` is called). Throws, with nothing written or queued, when mysql2's `start` throws (a
 * value it cannot encode).
 */
export function sendAhead(conn: MysqlConnection, command: StartableCommand, onTurn?: () => void): void {
  const c = internals(conn);
  // mysql2's own start builds the request; the view keeps the packets it writes.
  const view = new StartView(conn);
  const next = command.start(undefined, view);
  command._connection = conn;
  // A new command's packets are numbered from 0, whatever mysql2 is in the middle of: write them
  // with mysql2's writer under that numbering, then give the running command its own back.
  const running = c.sequenceId;
  c.sequenceId = 0;
  let sent: number;
  try {
    for (const packet of view.packets) c.writePacket(packet);
  } finally {
    sent = c.sequenceId;
    c.sequenceId = running;
  }
  command.start = function startSent(_packet: MysqlPacket | undefined, connection: unknown): unknown {
    // mysql2 has just reset the numbering for this command; the reply continues after our request.
    (connection as SendAheadConnection).sequenceId = sent;
    onTurn?.();
    return next;
  };
  command[SENT] = true;
  c.addCommand(command);
}

/**
 * Writes a request of our own (`request`, its packet numbered 0) now and queues `command`, which
 * reads the reply when mysql2 reaches it.
 */
export function sendRawAhead(conn: MysqlConnection, request: Buffer, command: MysqlCommand): void {
  const c = internals(conn);
  c.write(request);
  (command as StartableCommand)[SENT] = true;
  c.addCommand(command);
}

/** Sockets corked until the current turn of the event loop ends (see `corkUntilNextTurn`). */
const corked = new WeakSet<object>();

/**
 * Holds what is written on the connection's socket until this turn of the event loop has run its
 * I/O callbacks, so that every request sent ahead meanwhile — typically the callers' next
 * statements, issued as the replies just read are delivered — leaves in one write (as the
 * PostgreSQL pipeline does). A request that waits is never delayed past the end of this turn.
 */
export function corkUntilNextTurn(conn: MysqlConnection): void {
  const stream = internals(conn).stream;
  if (stream?.cork === undefined || stream.uncork === undefined || corked.has(stream)) return;
  corked.add(stream);
  stream.cork();
  setImmediate(() => {
    corked.delete(stream);
    stream.uncork?.();
  });
}
