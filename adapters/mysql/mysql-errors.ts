/**
 * Which errors mean a MySQL/MariaDB connection cannot be used again. Read from mysql2 3.x
 * (`lib/base/connection.js`: connection-level errors get `fatal = true`) and the server error
 * lists: a killed connection first answers the running query with an ordinary ERR packet, before
 * the socket closes, so a few server error numbers count as fatal too.
 */

/** Server error numbers after which the server has ended (or is ending) the session. */
const FATAL_ERRNOS: ReadonlySet<number> = new Set([
  1053, // ER_SERVER_SHUTDOWN
  1152, // ER_ABORTING_CONNECTION
  1184, // ER_NEW_ABORTING_CONNECTION
  1927, // ER_CONNECTION_KILLED (MariaDB: KILL CONNECTION)
  4031, // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8.0.24+: wait_timeout)
]);

/** Codes mysql2 gives errors of the socket or of its own protocol handling. */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT', // query `timeout`: the statement may still be running
  'PROTOCOL_ERROR',
  'PROTOCOL_UNEXPECTED_PACKET',
  'PROTOCOL_PACKETS_OUT_OF_ORDER',
  'ER_CONNECTION_KILLED',
  'ER_SERVER_SHUTDOWN',
  'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED',
  'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END', 'ERR_SOCKET_CLOSED',
]);

/** True when `error` (from a query, stream, ping or transaction control) means the connection is dead. */
export function isConnectionError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { fatal, code, errno } = error as { fatal?: unknown; code?: unknown; errno?: unknown };
  if (fatal === true) return true;
  if (typeof errno === 'number' && FATAL_ERRNOS.has(errno)) return true;
  return typeof code === 'string' && CONNECTION_CODES.has(code);
}

/** A server error (an ERR packet): the connection itself is fine and answered it. */
export function isServerError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { errno, sqlState } = error as { errno?: unknown; sqlState?: unknown };
  return typeof errno === 'number' && typeof sqlState === 'string' && !isConnectionError(error);
}
