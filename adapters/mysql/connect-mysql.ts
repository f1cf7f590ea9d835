import type { ConnectContext, ConnectionSettings } from '../../src/adapter.js';
import { connectFailure, connectTimeoutFailure, redactPassword } from '../../src/connect-errors.js';
import { UnipoolError } from '../../src/errors.js';
import { clientTimeoutMs } from '../../src/statement-timeout.js';
import { connectionState, type MysqlBaseline } from './mysql-connection-state.js';
import type { MysqlConnection, MysqlDriver, MysqlError } from './mysql-driver-types.js';
import { mysqlInt64Options } from './mysql-int64.js';
import { mysqlSslOption } from './mysql-tls.js';
import { RAW_REPLY, runQuery } from './run-mysql-command.js';
import { ServerStatus } from './server-status-reader.js';
import { startLearning } from './mysql-pipeline.js';

/**
 * Run on every new connection and again after each reset: autocommit on, so a statement outside
 * `atomic()` never leaves a transaction open; and the session-state tracker on, so the server sets
 * SERVER_SESSION_STATE_CHANGED on any reply whose statement changed the session.
 */
export const SESSION_SETUP_SQL = 'SET autocommit = 1, session_track_state_change = ON';

const BASELINE_SQL = 'SELECT @@character_set_client AS charset, @@collation_connection AS collation, @@sql_mode AS sqlMode, DATABASE() AS db, VERSION() AS version';

/** Driver options unipool cannot honour: they change what a reply looks like. */
const UNSUPPORTED_OPTIONS: Readonly<Record<string, string>> = {
  multipleStatements: 'one query is one statement, so its result and transaction state are unambiguous (and a parameter cannot smuggle in a second statement)',
  rowsAsArray: 'rows are objects keyed by column name on every engine',
  nestTables: 'rows are objects keyed by column name on every engine',
  supportBigNumbers: 'BIGINT values follow the database option int64 ("number", "string" or "bigint"), never rounded',
  bigNumberStrings: 'BIGINT values follow the database option int64 ("number", "string" or "bigint"), never rounded',
};

/** Error codes / numbers → what to check, appended to connect-failure messages. */
const HINTS: Readonly<Record<string, string>> = {
  ER_ACCESS_DENIED_ERROR: 'Check the user and password.',
  ER_DBACCESS_DENIED_ERROR: 'The user may not use that database; check its grants.',
  ER_BAD_DB_ERROR: 'Check the database name.',
  ER_CON_COUNT_ERROR: 'The server has no free connection slots; lower pool.max or raise max_connections.',
  ER_HOST_NOT_PRIVILEGED: 'The server does not accept this user from this client host.',
  ER_HOST_IS_BLOCKED: 'The server blocked this host after too many failed connects (FLUSH HOSTS).',
  HANDSHAKE_NO_SSL_SUPPORT: 'The server does not support TLS; remove ssl or enable TLS on the server.',
  HANDSHAKE_SSL_ERROR: 'TLS failed: check ssl.mode and ssl.ca (the CA that signed the server certificate) and that the host is a name the certificate lists.',
  ER_SECURE_TRANSPORT_REQUIRED: 'The server accepts only TLS connections: set ssl.mode (e.g. "verify-full" with ssl.ca).',
};

/** With TLS off, "access denied" may be MariaDB's answer to require_secure_transport (it reports no other error). */
const PLAIN_TEXT_HINTS: Readonly<Record<string, string>> = {
  ...HINTS,
  ER_ACCESS_DENIED_ERROR: 'Check the user and password. With TLS off this is also how MariaDB refuses plain text (require_secure_transport): then set ssl.mode (e.g. "verify-full" with ssl.ca).',
};

/**
 * Throws `UNIPOOL_UNSUPPORTED` for a driver option that would change the shape of replies. Cheap and
 * synchronous, so a config check can call it before any connection opens.
 */
export function checkMysqlOptions(options: Readonly<Record<string, unknown>>): void {
  for (const [name, why] of Object.entries(UNSUPPORTED_OPTIONS)) {
    const value = options[name];
    if (value !== undefined && value !== false) {
      throw new UnipoolError('UNIPOOL_UNSUPPORTED', `mysql: options.${name} = ${JSON.stringify(value)} is not supported: ${why}. Remove it from options.`);
    }
  }
}

/** A password must never reach a message, even if a driver message happened to echo it. */
export const redact = redactPassword;

function describeTarget(settings: ConnectionSettings): string {
  const socketPath = settings.options.socketPath;
  const target = typeof socketPath === 'string' ? `socket ${socketPath}` : `${settings.host ?? 'localhost'}:${settings.port ?? 3306}`;
  return `${target} (database "${settings.database ?? ''}", user "${settings.user ?? ''}")`;
}

/** Turns mysql2's connect error into `UNIPOOL_CONNECT_TIMEOUT` / `UNIPOOL_CONNECT_FAILED`; the driver error is the cause. */
function connectError(settings: ConnectionSettings, timeoutMs: number, error: unknown): UnipoolError {
  if (error instanceof UnipoolError) return error;
  const target = describeTarget(settings);
  const code = (error as { code?: unknown } | null)?.code;
  // mysql2's connectTimeout timer destroys the socket with this error (base/connection.js).
  if (code === 'ETIMEDOUT') return connectTimeoutFailure('mysql', target, timeoutMs, error);
  return connectFailure('mysql', target, error, mysqlSslOption(settings.ssl).ssl === undefined ? PLAIN_TEXT_HINTS : HINTS, settings.password);
}

function handshake(conn: MysqlConnection): Promise<void> {
  return new Promise((resolve, reject) => conn.connect((error) => (error ? reject(error) : resolve())));
}

/**
 * Puts a fresh session in the state the adapter relies on and records what a reset must restore.
 * Also proves that the status flags can be read with this mysql2 version: the baseline SELECT is a
 * result set, whose final EOF packet must have been seen.
 */
async function prepareSession(conn: MysqlConnection, statementTimeoutMs: number | undefined): Promise<void> {
  const state = connectionState(conn);
  // The baseline first: the server's version decides how the setup spells statementTimeoutMs.
  const baseline = await runQuery(conn, { sql: BASELINE_SQL }, RAW_REPLY);
  const row = (Array.isArray(baseline.rows) ? baseline.rows[0] : undefined) as Record<string, unknown> | undefined;
  if (baseline.reader.status === undefined || row === undefined) {
    throw new UnipoolError(
      'UNIPOOL_UNSUPPORTED',
      'mysql: cannot read the server status flags of a result set with this mysql2 version, so transaction state would be unknown. Use mysql2 3.x (tested with 3.24).',
    );
  }
  const text = (value: unknown): string => (typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value ?? ''));
  const database = row.db === null || row.db === undefined ? null : text(row.db);
  const recorded: MysqlBaseline = {
    charset: text(row.charset),
    collation: text(row.collation),
    sqlMode: text(row.sqlMode),
    charsetNumber: conn.config.charsetNumber,
    database,
  };
  state.baseline = recorded;
  state.schema = database;
  state.timeoutSetting = timeoutSetting(text(row.version), statementTimeoutMs);
  const setup = await runQuery(conn, { sql: SESSION_SETUP_SQL + state.timeoutSetting }, RAW_REPLY);
  if (((setup.reader.status ?? 0) & ServerStatus.SESSION_STATE_CHANGED) === 0) {
    throw new UnipoolError(
      'UNIPOOL_UNSUPPORTED',
      'mysql: the server does not report session-state changes (SERVER_SESSION_STATE_CHANGED), so state left by SET, USE or temporary tables could leak to the next borrower. unipool needs MySQL ≥ 5.7 or MariaDB ≥ 10.2, and the SESSION_TRACK client flag (do not remove it with options.flags).',
    );
  }
}

/**
 * statementTimeoutMs as a clause of the session setup: MariaDB's max_statement_time (seconds,
 * fractional; every statement) or MySQL's max_execution_time (ms; read-only SELECT statements only).
 */
export function timeoutSetting(serverVersion: string, statementTimeoutMs: number | undefined): string {
  if (statementTimeoutMs === undefined || statementTimeoutMs <= 0) return '';
  return /mariadb/i.test(serverVersion) ? `, max_statement_time = ${statementTimeoutMs / 1000}` : `, max_execution_time = ${statementTimeoutMs}`;
}

/**
 * Opens one mysql2 connection. `settings.options` go to mysql2 last, so any mysql2 option
 * (`charset`, `timezone`, `socketPath`, `supportBigNumbers`…) can be set or overridden there.
 */
export async function connectMysql(mysql: MysqlDriver, settings: ConnectionSettings, context: ConnectContext): Promise<MysqlConnection> {
  checkMysqlOptions(settings.options);
  const int64 = settings.int64 ?? 'number';
  let conn: MysqlConnection;
  try {
    conn = mysql.createConnection({
      host: settings.host,
      port: settings.port,
      database: settings.database,
      user: settings.user,
      password: settings.password,
      ...mysqlSslOption(settings.ssl),
      connectTimeout: context.timeoutMs,
      // mysql2's own LRU of server-side prepared statements (it closes the ones it evicts).
      ...(context.statementCacheSize === undefined || context.statementCacheSize === 0 ? {} : { maxPreparedStatements: context.statementCacheSize }),
      ...settings.options,
      ...mysqlInt64Options(int64),
    });
  } catch (error) {
    // mysql2 validates options synchronously (an unknown ssl profile, a bad charset).
    throw connectError(settings, context.timeoutMs, error);
  }
  const state = connectionState(conn);
  state.int64 = int64;
  let connected = false;
  // Attached before the handshake: when the server kills an idle connection (KILL, wait_timeout,
  // restart) mysql2 emits 'error' on it, and an 'error' event nobody listens to crashes the
  // process. The listener stays for the connection's whole life.
  conn.on('error', (error: MysqlError) => {
    state.broken = true;
    // While connecting, failures arrive through connect()'s callback; while closing, they are ours.
    if (!connected || state.closing || state.reportedBroken) return;
    state.reportedBroken = true;
    try {
      context.onBroken(error);
    } catch {
      // The pool's callback must never turn a dead socket into an uncaught exception.
    }
  });
  try {
    await handshake(conn);
    await prepareSession(conn, context.statementTimeoutMs);
  } catch (error) {
    state.closing = true;
    conn.destroy();
    throw connectError(settings, context.timeoutMs, error);
  }
  connected = true;
  // Off by default (statementCacheSize unset or 0): see docs/explanation/statement-cache.md.
  state.prepared = (context.statementCacheSize ?? 0) > 0;
  // Armed only now: the connect has its own timeout (connectTimeoutMs).
  state.clientTimeoutMs = clientTimeoutMs(context.statementTimeoutMs) ?? 0;
  if (context.pipeline === true) startLearning(conn, context.statementCacheSize);
  return conn;
}
