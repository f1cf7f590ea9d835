import { expect } from 'chai';
import type { MysqlCommand, MysqlPacket } from '../../../../adapters/mysql/mysql-driver-types.js';
import { readServerStatus, ServerStatus, ServerStatusReader } from '../../../../adapters/mysql/server-status-reader.js';

/** A packet payload with mysql2's reader methods (only what the reader uses). */
class FakePacket implements MysqlPacket {
  offset = 0;
  readonly #bytes: Buffer;
  constructor(bytes: number[]) {
    this.#bytes = Buffer.from(bytes);
  }
  peekByte(): number {
    return this.#bytes[this.offset] ?? 0;
  }
  isEOF(): boolean {
    return this.#bytes[this.offset] === 0xfe && this.#bytes.length < 13;
  }
  eofStatusFlags(): number {
    return this.#bytes.readUInt16LE(this.offset + 3);
  }
  readInt8(): number {
    return this.#bytes.readUInt8(this.offset++);
  }
  readInt16(): number {
    const value = this.#bytes.readUInt16LE(this.offset);
    this.offset += 2;
    return value;
  }
  readLengthCodedNumber(): number {
    const first = this.readInt8();
    if (first < 0xfb) return first;
    if (first === 0xfc) return this.readInt16();
    throw new Error('not needed by these tests');
  }
}

const lo = (n: number): number => n & 0xff;
const hi = (n: number): number => (n >> 8) & 0xff;
const ok = (status: number, affected = 0): FakePacket => new FakePacket([0x00, affected, 0x00, lo(status), hi(status), 0x00, 0x00]);
const eof = (status: number): FakePacket => new FakePacket([0xfe, 0x00, 0x00, lo(status), hi(status)]);
const columnCount = (n: number): FakePacket => new FakePacket([n]);
const column = (): FakePacket => new FakePacket([0x03, 0x64, 0x65, 0x66, 0x00, 0x00, 0x00, 0x01, 0x61, 0x00, 0x0c, 0x3f, 0x00]);
const err = (): FakePacket => new FakePacket([0xff, 0x48, 0x04, 0x23, 0x34, 0x32, 0x53, 0x30, 0x32, 0x78]);
/** A row whose first column is an empty string starts with 0x00, like an OK packet. */
const rowStartingWithZero = (): FakePacket => new FakePacket([0x00, 0x01, 0x31]);

function feed(packets: FakePacket[]): ServerStatusReader {
  const reader = new ServerStatusReader();
  for (const packet of packets) reader.observe(packet);
  return reader;
}

const { IN_TRANS, AUTOCOMMIT, MORE_RESULTS_EXISTS, SESSION_STATE_CHANGED } = ServerStatus;

describe('mysql adapter: reading the server status flags of a reply', () => {
  it('takes the status of an OK packet (a statement without rows)', () => {
    expect(feed([ok(IN_TRANS | AUTOCOMMIT, 3)]).status).to.equal(IN_TRANS | AUTOCOMMIT);
  });

  it('takes the status of the final EOF of a result set, not of the EOF after the column definitions', () => {
    const reader = feed([columnCount(1), column(), eof(AUTOCOMMIT), rowStartingWithZero(), rowStartingWithZero(), eof(IN_TRANS | AUTOCOMMIT)]);
    expect(reader.status).to.equal(IN_TRANS | AUTOCOMMIT);
  });

  it('never reads a row as an OK packet, even one starting with 0x00', () => {
    const reader = feed([columnCount(1), column(), eof(AUTOCOMMIT), rowStartingWithZero()]);
    expect(reader.status).to.equal(undefined);
  });

  it('follows several results (a CALL): result set, then the OK packet that ends the reply', () => {
    const reader = feed([columnCount(1), column(), eof(AUTOCOMMIT), rowStartingWithZero(), eof(AUTOCOMMIT | MORE_RESULTS_EXISTS), ok(IN_TRANS | AUTOCOMMIT)]);
    expect(reader.status).to.equal(IN_TRANS | AUTOCOMMIT);
  });

  it('reports no status for an ERR reply (the caller re-reads it with COM_PING)', () => {
    expect(feed([err()]).status).to.equal(undefined);
  });

  it('collects a session-state change seen on any status-bearing packet of the reply', () => {
    const reader = feed([columnCount(1), column(), eof(AUTOCOMMIT | SESSION_STATE_CHANGED), rowStartingWithZero(), eof(AUTOCOMMIT)]);
    expect(reader.seenFlags & SESSION_STATE_CHANGED).to.equal(SESSION_STATE_CHANGED);
    expect(reader.status).to.equal(AUTOCOMMIT);
  });

  it('leaves the packet read position where it was, for mysql2 to parse', () => {
    const packet = ok(AUTOCOMMIT, 5);
    new ServerStatusReader().observe(packet);
    expect(packet.offset).to.equal(0);
  });

  it('hooks a command so each reply packet passes the reader before the command consumes it', () => {
    const consumed: number[] = [];
    const command: MysqlCommand = {
      execute(packet: MysqlPacket | undefined) {
        consumed.push(packet === undefined ? -1 : packet.offset);
        return packet !== undefined;
      },
      on: () => undefined,
      once: () => undefined,
      removeListener: () => undefined,
    };
    const reader = readServerStatus(command);
    expect(command.execute(undefined, {})).to.equal(false);
    expect(command.execute(ok(IN_TRANS), {})).to.equal(true);
    expect(consumed).to.deep.equal([-1, 0]);
    expect(reader.status).to.equal(IN_TRANS);
  });
});
