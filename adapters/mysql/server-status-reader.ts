import type { MysqlCommand, MysqlPacket } from './mysql-driver-types.js';

/** Server status flags of OK/EOF packets (`include/mysql_com.h`, same values in MariaDB). */
export const ServerStatus = Object.freeze({
  IN_TRANS: 0x0001,
  AUTOCOMMIT: 0x0002,
  MORE_RESULTS_EXISTS: 0x0008,
  NO_BACKSLASH_ESCAPES: 0x0200,
  IN_TRANS_READONLY: 0x2000,
  SESSION_STATE_CHANGED: 0x4000,
});

/**
 * True when the flags show autocommit on and no transaction open: each statement commits on its
 * own, and a failed one cannot leave a transaction behind.
 */
export function isAutocommitIdle(status: number): boolean {
  return (status & (ServerStatus.IN_TRANS | ServerStatus.AUTOCOMMIT)) === ServerStatus.AUTOCOMMIT;
}

/** Reads the status word of an OK packet without moving the packet's read position. */
function okPacketStatus(packet: MysqlPacket): number {
  const start = packet.offset;
  try {
    packet.readInt8(); // 0x00 header
    packet.readLengthCodedNumber(); // affected rows
    packet.readLengthCodedNumber(); // last insert id
    return packet.readInt16();
  } finally {
    packet.offset = start;
  }
}

/**
 * Follows one command's reply packet by packet and keeps the server status flags of its final OK or
 * EOF packet — the server's own word on whether a transaction is open, which mysql2 parses but does
 * not keep for result sets (`Query.row()` reads the final EOF's flags only to look for more results).
 *
 * The reply grammar (client protocol, without CLIENT_DEPRECATE_EOF, which mysql2 never requests):
 * a result starts with a header packet — OK (0x00), ERR (0xFF), LOCAL INFILE request (0xFB) or a
 * column count; a result set then sends column definitions, an EOF, rows, and a final EOF whose
 * flags say whether another result follows. Rows are never mistaken for OK packets because only a
 * header position is read as one.
 */
export class ServerStatusReader {
  #expectHeader = true;
  #eofs = 0;
  #final: number | undefined = undefined;
  #seen = 0;

  /** Status flags of the last result's final packet, or undefined (no reply yet, or an ERR). */
  get status(): number | undefined {
    return this.#final;
  }

  /** Every flag seen on any status-bearing packet of the reply (to catch a session change mid-way). */
  get seenFlags(): number {
    return this.#seen;
  }

  /** Feed one packet of the reply, before the command itself consumes it. */
  observe(packet: MysqlPacket | undefined): void {
    if (packet === undefined || packet === null) return;
    if (this.#expectHeader) {
      const first = packet.peekByte();
      if (first === 0x00) {
        this.#settle(okPacketStatus(packet));
      } else if (first !== 0xff && first !== 0xfb) {
        // A column count: a result set follows. (After 0xFB the client sends the file and the
        // server answers with an OK packet, read as a header again.)
        this.#expectHeader = false;
        this.#eofs = 0;
      }
      return;
    }
    if (!packet.isEOF()) return;
    const flags = packet.eofStatusFlags();
    this.#seen |= flags;
    this.#eofs += 1;
    // The first EOF ends the column definitions; the second ends the rows.
    if (this.#eofs === 2) this.#settle(flags);
  }

  #settle(flags: number): void {
    this.#final = flags;
    this.#seen |= flags;
    this.#expectHeader = (flags & ServerStatus.MORE_RESULTS_EXISTS) !== 0;
  }
}

/** Where a command keeps its reader and its own `execute` (see `readServerStatus`). */
const READER = Symbol('unipool.statusReader');
const EXECUTE = Symbol('unipool.execute');
type ObservedCommand = MysqlCommand & { [READER]: ServerStatusReader; [EXECUTE]: MysqlCommand['execute'] };

/** The `execute` of an observed command: the reader sees each reply packet before the command does. */
function observedExecute(this: ObservedCommand, packet: MysqlPacket | undefined, connection: unknown): boolean {
  this[READER].observe(packet);
  return this[EXECUTE](packet, connection);
}

/**
 * Attaches a reader to a command that mysql2 has just queued: each reply packet goes through the
 * reader first. The command's first `execute()` (sending the request) has already run or carries no
 * packet, so no reply packet is missed. One shared function and two properties per command, not a
 * closure: this runs for every statement.
 */
export function readServerStatus(command: MysqlCommand): ServerStatusReader {
  const reader = new ServerStatusReader();
  const observed = command as ObservedCommand;
  observed[READER] = reader;
  observed[EXECUTE] = command.execute;
  observed.execute = observedExecute as MysqlCommand['execute'];
  return reader;
}
