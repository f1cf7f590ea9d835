import type { ConnectFailureKind } from '../../src/adapter.js';
import { codeOf, driverErrorOf, TLS_VERIFY_CODES } from '../../src/connect-errors.js';

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

/** Server error numbers of a refused connect that will be refused again until something changes. */
const PERMANENT_CONNECT_ERRNOS: ReadonlySet<number> = new Set([
  1044, // ER_DBACCESS_DENIED_ERROR: the user may not use that database
  1045, // ER_ACCESS_DENIED_ERROR: wrong user or password
  1049, // ER_BAD_DB_ERROR: unknown database
  1129, // ER_HOST_IS_BLOCKED: stays blocked until FLUSH HOSTS
  1130, // ER_HOST_NOT_PRIVILEGED: this host may not connect
  1251, // ER_NOT_SUPPORTED_AUTH_MODE
  1698, // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
  1820, // ER_MUST_CHANGE_PASSWORD
  1862, // ER_MUST_CHANGE_PASSWORD_LOGIN: the password has expired
  3118, // ER_ACCOUNT_HAS_BEEN_LOCKED
  3159, // ER_SECURE_TRANSPORT_REQUIRED (MySQL): TLS off, the server requires it
]);

/**
 * mysql2 replaces the code of every TLS handshake error with HANDSHAKE_SSL_ERROR (client_handshake.js),
 * so Node's verification codes are gone; their OpenSSL/Node messages remain. A certificate that
 * failed verification is refused again on every retry; a handshake cut short by the network is not.
 */
const TLS_VERIFY_MESSAGE = /certificate|altnames|self[- ]signed|issuer/i;

/** mysql2's own codes for a connect that cannot succeed with these settings. */
const PERMANENT_CONNECT_CODES: ReadonlySet<string> = new Set(['HANDSHAKE_NO_SSL_SUPPORT', 'AUTH_SWITCH_PLUGIN_ERROR']);

/**
 * `permanent` for a connect error that repeats until someone changes something (authentication,
 * unknown database, TLS verification); `transient` for the rest (refused, timed out, too many
 * connections 1040), so a server that comes back is used again.
 */
export function mysqlConnectFailureKind(error: unknown): ConnectFailureKind {
  const driverError = driverErrorOf(error);
  const errno = (driverError as { errno?: unknown } | null)?.errno;
  if (typeof errno === 'number' && PERMANENT_CONNECT_ERRNOS.has(errno)) return 'permanent';
  const code = codeOf(driverError);
  if (code === 'HANDSHAKE_SSL_ERROR') return driverError instanceof Error && TLS_VERIFY_MESSAGE.test(driverError.message) ? 'permanent' : 'transient';
  return code !== undefined && (PERMANENT_CONNECT_CODES.has(code) || TLS_VERIFY_CODES.has(code)) ? 'permanent' : 'transient';
}

/**
 * True for a statement that ran out of time: MariaDB's max_statement_time (1969
 * ER_STATEMENT_TIMEOUT), MySQL's max_execution_time (3024 ER_QUERY_TIMEOUT), or the adapter's
 * client backstop (PROTOCOL_SEQUENCE_TIMEOUT). A KILL QUERY (1317) is a cancel, not a timeout.
 */
export function isStatementTimeout(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  return errno === 1969 || errno === 3024 || code === 'PROTOCOL_SEQUENCE_TIMEOUT';
}
