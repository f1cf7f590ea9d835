import type { ConnectFailureKind } from '../../src/adapter.js';
import { codeOf, driverErrorOf, TLS_VERIFY_CODES } from '../../src/connect-errors.js';

/**
 * Which errors mean an Oracle connection cannot be used again. Read from node-oracledb 6.x
 * `lib/errors.js`: the driver rewrites the ORA/DPI errors of a dead session to NJS-500 ("connection
 * to Oracle Database was closed or broken"); the original codes are kept here too, for errors that
 * reach us untransformed (Thick mode, older versions).
 */

/** Driver codes of a closed, lost or unusable connection. */
const DRIVER_CODES: ReadonlySet<string> = new Set([
  'NJS-003', // invalid or closed connection
  'NJS-123', // call timeout exceeded: the round trip was abandoned mid-way
  'NJS-500', // connection to Oracle Database was closed or broken
  'NJS-501', // connection terminated unexpectedly
  'NJS-521', // end-of-file on communication channel
  'DPI-1010', // not connected
  'DPI-1067', // call timeout (Thick)
  'DPI-1080', // connection was closed by ORA-%d
]);

/** ORA numbers node-oracledb maps to NJS-500: the session is gone. */
const SESSION_GONE_ORA: ReadonlySet<number> = new Set([
  22, 28, 31, 45, 378, 600, 602, 603, 609, 1012, 1041, 1043, 1089, 1092, 2396, 3113, 3114, 3122, 3135, 12153, 12537, 12547, 12570, 12583, 27146, 28511,
  56600,
]);

/** Node socket errors that can surface from Thin mode's network layer. */
const SOCKET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** The ORA number of an `ORA-01234` code. */
function oraNumber(code: string): number | undefined {
  const match = /^ORA-(\d{5})$/.exec(code);
  return match === null ? undefined : Number(match[1]);
}

/** True when `error` (from `execute`, `commit`, `ping`…) means the connection is dead. */
export function isConnectionError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, errorNum } = error as { code?: unknown; errorNum?: unknown };
  if (typeof code === 'string') {
    if (DRIVER_CODES.has(code) || SOCKET_CODES.has(code)) return true;
    const ora = oraNumber(code);
    if (ora !== undefined && SESSION_GONE_ORA.has(ora)) return true;
  }
  return typeof errorNum === 'number' && SESSION_GONE_ORA.has(errorNum);
}

/** Codes of a refused connect that will be refused again until the account or settings change. */
const PERMANENT_CONNECT_CODES: ReadonlySet<string> = new Set([
  'ORA-01017', // invalid username/password
  'ORA-01045', // no CREATE SESSION privilege
  'ORA-28000', // account locked
  'ORA-28001', // password expired
  'ORA-12505', // the listener does not know that SID
  'NJS-116', // password verifier type not supported by Thin mode
  'NJS-138', // database version not supported by Thin mode
  'NJS-505', // TLS could not start: the wallet is invalid
  'NJS-507', // TLS: the certificate's DN is not sslServerCertDN
  'NJS-508', // TLS: the host name is not in the certificate (verify-full)
]);

/** NJS-506 wraps any TLS handshake failure; one about the certificate repeats, a cut connection may not. */
const TLS_HANDSHAKE_CERTIFICATE = /certificate|self[- ]signed|issuer/i;

/**
 * `permanent` for a connect error that repeats until someone changes something; `transient` for
 * the rest. ORA-12514 (service not registered) stays transient: a database that is starting
 * registers its services with the listener a little after the listener answers.
 */
export function oracleConnectFailureKind(error: unknown): ConnectFailureKind {
  const driverError = driverErrorOf(error);
  const code = codeOf(driverError);
  if (code === 'NJS-506') return driverError instanceof Error && TLS_HANDSHAKE_CERTIFICATE.test(driverError.message) ? 'permanent' : 'transient';
  return code !== undefined && (PERMANENT_CONNECT_CODES.has(code) || TLS_VERIFY_CODES.has(code)) ? 'permanent' : 'transient';
}

/**
 * True for a round trip that ran past callTimeout (statementTimeoutMs): NJS-123 in Thin mode,
 * DPI-1067 in Thick mode. Both also count as connection errors above (the call was abandoned
 * mid-way), so the connection is destroyed rather than trusted again.
 */
export function isStatementTimeout(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  return code === 'NJS-123' || code === 'DPI-1067';
}
