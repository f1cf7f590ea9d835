import type { ConnectContext, ConnectionSettings } from '../../src/adapter.js';
import { connectFailure, connectTimeoutFailure, redactPassword } from '../../src/connect-errors.js';
import { UnipoolError } from '../../src/errors.js';
import type { OracleConnection, OracleDriver } from './oracle-driver-types.js';
import { oracleTls } from './oracle-tls.js';

/** Error codes → what to check, appended to connect-failure messages. */
const HINTS: Readonly<Record<string, string>> = {
  'ORA-01017': 'Check the user and password.',
  'ORA-28000': 'The account is locked.',
  'ORA-28001': 'The password has expired.',
  'ORA-12514': 'The listener does not know that service name: check the database (service name).',
  'ORA-12505': 'The listener does not know that SID: use the service name as database.',
  'ORA-12541': 'No listener at that host and port.',
  'NJS-511': 'Is the listener running at that host and port?',
  'NJS-503': 'Check that the host and port are right and reachable.',
  'NJS-518': 'The listener does not know that service name: check the database (service name).',
  'NJS-530': 'Check the host name.',
  'NJS-505': 'Check the wallet (options.walletLocation / walletContent) and its password.',
  'NJS-506': 'TLS failed: check that the system CAs or the wallet (options.walletLocation) hold the CA that signed the server certificate, and ssl.mode.',
  'NJS-507': 'The server certificate\'s DN is not options.sslServerCertDN.',
  'NJS-508': 'The host name is not in the server certificate: connect by a name it lists, or use ssl.mode "verify-ca".',
  ECONNREFUSED: 'Is the listener running at that host and port?',
  ENOTFOUND: 'Check the host name.',
};

/** Driver codes of a connect attempt that ran out of time. */
const TIMEOUT_CODES: ReadonlySet<string> = new Set(['NJS-510', 'ORA-12170', 'ETIMEDOUT']);

/** A password must never reach a message, even if a driver message happened to echo it. */
export const redact = redactPassword;

/**
 * oracledb's `connectTimeout` is whole seconds; round up so the driver never gives up before
 * unipool's `connectTimeoutMs` (the pool bounds the attempt to the millisecond itself).
 */
export function toTimeoutSeconds(timeoutMs: number): number {
  return Math.max(1, Math.ceil(timeoutMs / 1000));
}

/**
 * The Easy Connect string for `host`, `port` and `database` (the service name), or
 * `options.connectString` as given (a TNS alias, an Easy Connect string or a full descriptor).
 * `ssl` selects TCPS in the built string.
 */
export function connectStringOf(settings: ConnectionSettings): string {
  const given = settings.options.connectString ?? settings.options.connectionString;
  if (typeof given === 'string' && given !== '') return given;
  if (settings.host !== undefined && settings.host !== '') {
    const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
    const protocol = oracleTls(settings.ssl).tcps ? 'tcps://' : '';
    return `${protocol}${host}:${settings.port ?? (protocol === '' ? 1521 : 2484)}/${settings.database ?? ''}`;
  }
  // Without a host the database is a TNS alias (tnsnames.ora) or a complete connect string.
  if (settings.database !== undefined && settings.database !== '') return settings.database;
  throw new UnipoolError(
    'UNIPOOL_INVALID_ARGUMENT',
    'oracle: no connect string: set host (and database = the service name), or options.connectString (a TNS alias, an Easy Connect string or a connect descriptor).',
  );
}

/**
 * The options for `oracledb.getConnection()`. `settings.options` go last, so any oracledb
 * connection attribute (`walletLocation`, `configDir`, `privilege`, `stmtCacheSize`…) can be set or
 * overridden there; the TLS mode becomes `sslServerDNMatch` (and an older-form `ssl` object's keys
 * are passed as they are).
 */
export function oracleConnectOptions(settings: ConnectionSettings, timeoutMs: number, statementCacheSize?: number): Record<string, unknown> {
  const { connectString: _connectString, connectionString: _connectionString, ...options } = settings.options;
  const seconds = toTimeoutSeconds(timeoutMs);
  return {
    user: settings.user,
    password: settings.password,
    connectString: connectStringOf(settings),
    connectTimeout: seconds,
    transportConnectTimeout: seconds,
    ...oracleTls(settings.ssl).attributes,
    // unipool's statementCacheSize is oracledb's statement cache (its default, 30, when unset).
    ...(statementCacheSize === undefined ? {} : { stmtCacheSize: statementCacheSize }),
    ...options,
  };
}

function describeTarget(connectString: string, settings: ConnectionSettings): string {
  return `${connectString} (user "${settings.user ?? ''}")`;
}

/** Turns oracledb's connect error into `UNIPOOL_CONNECT_TIMEOUT` / `UNIPOOL_CONNECT_FAILED`; the driver error is the cause. */
function connectError(settings: ConnectionSettings, connectString: string, timeoutMs: number, error: unknown): UnipoolError {
  const target = redact(describeTarget(connectString, settings), settings.password);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
    return connectTimeoutFailure('oracle', target, timeoutMs, error, `; oracledb counts whole seconds: ${toTimeoutSeconds(timeoutMs)} s`);
  }
  // oracledb messages run over several lines (cause, help URL): the first says what happened.
  return connectFailure('oracle', target, error, HINTS, settings.password, { showCode: false, firstLineOnly: true });
}

/** Opens one standalone oracledb connection (Thin mode unless the app initialised Thick mode). */
export async function connectOracle(oracledb: OracleDriver, settings: ConnectionSettings, context: ConnectContext): Promise<OracleConnection> {
  const options = oracleConnectOptions(settings, context.timeoutMs, context.statementCacheSize);
  let conn: OracleConnection;
  try {
    // oracledb reports a dead idle connection on its next call (or isHealthy()), not through an
    // event, so there is nothing to listen to and `context.onBroken` is never needed here.
    conn = await oracledb.getConnection(options);
  } catch (error) {
    throw connectError(settings, String(options.connectString), context.timeoutMs, error);
  }
  // A connection property, not a getConnection() option: set once here, it limits every round trip
  // after the connect (a statement, a fetch, COMMIT) with no round trip of its own, and nothing a
  // session does can change it.
  if (context.statementTimeoutMs !== undefined) conn.callTimeout = context.statementTimeoutMs;
  return conn;
}
