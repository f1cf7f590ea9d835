import type { ConnectFailureKind } from '../../src/adapter.js';
import { codeOf, driverErrorOf, TLS_VERIFY_CODES } from '../../src/connect-errors.js';

/**
 * Which errors mean a PostgreSQL connection cannot be used again. Read from pg 8.x client.js and
 * the SQLSTATE appendix: the client flags are checked separately (`isOpen`), because a query can
 * be rejected by a terminating server's ErrorResponse before pg notices the socket close.
 */

/** SQLSTATEs after which the server has ended (or is ending) the session. */
const FATAL_SQLSTATES: ReadonlySet<string> = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend(), smart/fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '57P05', // idle_session_timeout (PostgreSQL 14+)
  '25P03', // idle_in_transaction_session_timeout
]);

/** Node socket errors pg passes through when the TCP/TLS stream dies. */
const SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED',
  'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END', 'ERR_SOCKET_CLOSED',
]);

/** Messages pg builds itself (client.js / query timeout) for a client it can no longer use. */
const CLIENT_MESSAGES: ReadonlySet<string> = new Set([
  'Connection terminated',
  'Connection terminated unexpectedly',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  // query_timeout: pg gave up waiting but the statement may still be running on the connection.
  'Query read timeout',
]);

/** True when `error` (from `query`, `stream` or transaction control) means the connection is dead. */
export function isConnectionError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, severity, message } = error as { code?: unknown; severity?: unknown; message?: unknown };
  if (typeof code === 'string') {
    // 08P01 (protocol_violation) sent as a plain ERROR is a statement the server refused while the
    // session carries on: a Bind with the wrong number of parameters (`SELECT $1 + $2` with one
    // value) gets exactly this, and raw pg keeps using the client. Only FATAL ends the session
    // (and a socket that closed is caught by the caller's isOpen check).
    if (code === '08P01' && typeof severity === 'string' && severity !== 'FATAL' && severity !== 'PANIC') return false;
    // Class 08: connection exception.
    if (code.startsWith('08') || FATAL_SQLSTATES.has(code) || SOCKET_CODES.has(code)) return true;
  }
  // FATAL/PANIC end the session; `severity` is localized, so this only backs up the codes above.
  if (severity === 'FATAL' || severity === 'PANIC') return true;
  return typeof message === 'string' && CLIENT_MESSAGES.has(message);
}

/**
 * True for an error the server sent (pg's DatabaseError, built from an ErrorResponse), as opposed to
 * one pg or Node raised on this side of the socket.
 */
export function isServerError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof severity === 'string' && typeof code === 'string';
}

/** SQLSTATEs of a refused connection that will be refused again until the config or server changes. */
const PERMANENT_CONNECT_SQLSTATES: ReadonlySet<string> = new Set([
  '28P01', // invalid_password
  '28000', // invalid_authorization_specification: no pg_hba.conf entry, role does not exist
  '3D000', // invalid_catalog_name: the database does not exist
  '42501', // insufficient_privilege: no CONNECT privilege on the database
  '0A000', // feature_not_supported (e.g. an auth method pg cannot speak)
  '08P01', // protocol_violation at startup: e.g. PgBouncer refusing a startup parameter in `options`
]);

/** Messages pg throws itself before the server could say anything, each a configuration mistake. */
const PERMANENT_CONNECT_MESSAGES: readonly RegExp[] = [
  /^The server does not support SSL connections$/,
  /^SASL: /, // SCRAM needs a password string; or the server's proof failed
  /password must be a string/,
];

/**
 * `permanent` for a connect error that repeats until someone changes something (authentication,
 * unknown database, TLS verification); `transient` for the rest (refused, timed out, too many
 * connections 53300, starting up 57P03), so a server that comes back is used again.
 */
export function postgresConnectFailureKind(error: unknown): ConnectFailureKind {
  const driverError = driverErrorOf(error);
  const code = codeOf(driverError);
  if (code !== undefined && (PERMANENT_CONNECT_SQLSTATES.has(code) || TLS_VERIFY_CODES.has(code))) return 'permanent';
  const message = driverError instanceof Error ? driverError.message : '';
  return PERMANENT_CONNECT_MESSAGES.some((pattern) => pattern.test(message)) ? 'permanent' : 'transient';
}

/**
 * True for a statement that ran out of time: the server's statement_timeout (SQLSTATE 57014 with
 * the statement-timeout message; a cancel by pg_cancel_backend() or a user shares the code, not the
 * message) or pg's client-side query_timeout. The message is the server's English text: with
 * lc_messages set to another language a server timeout passes through as pg's own error.
 */
export function isStatementTimeout(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return false;
  if (code === '57014') return message.includes('statement timeout');
  return message === 'Query read timeout';
}
