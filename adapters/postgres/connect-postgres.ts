import type { ConnectContext, ConnectionSettings } from '../../src/adapter.js';
import { connectFailure, connectTimeoutFailure } from '../../src/connect-errors.js';
import { UnipoolError } from '../../src/errors.js';
import { clientTimeoutMs } from '../../src/statement-timeout.js';
import { PgStatementCache, POSTGRES_STATEMENT_CACHE_SIZE } from './postgres-statement-cache.js';
import { connectionState } from './postgres-connection-state.js';
import type { PgClient, PgModule, PgTypeParsers } from './postgres-driver-types.js';
import { int64TypeParsers } from './postgres-int64.js';
import { pgSslOption } from './postgres-tls.js';
import { watchServerRole } from './postgres-server-role.js';

/** A registry with no parsers: values stay text (only for a pg module without `types`). */
const NO_PARSERS: PgTypeParsers = { getTypeParser: () => (value: string) => value };

/** pg_hba.conf has only `hostssl` lines for this client: the message ends "…, no encryption". */
const TLS_REQUIRED_HINTS: Readonly<Record<string, string>> = { '28000': 'The server accepts this connection only over TLS (pg_hba.conf hostssl): set ssl.mode (e.g. "verify-full" with ssl.ca).' };

/** SQLSTATE codes → what to check, appended to connect-failure messages (network codes: NETWORK_HINTS). */
const HINTS: Readonly<Record<string, string>> = {
  '28P01': 'Check the user and password.',
  '28000': 'Check the user, password and pg_hba.conf.',
  '3D000': 'Check the database name.',
  '53300': 'The server has no free connection slots; lower pool.max or raise max_connections.',
  '57P03': 'The server is starting up or shutting down; retry later.',
  // PgBouncer answers a startup parameter it does not track with this code (statementTimeoutMs
  // sends statement_timeout as one).
  '08P01':
    'A pooler in between (PgBouncer) refused a startup parameter. For statementTimeoutMs, list statement_timeout in PgBouncer\'s track_extra_parameters (1.20+), or in ignore_startup_parameters and set the limit on the role (ALTER ROLE … SET statement_timeout); see the how-to "Set statement timeouts".',
};

function describeTarget(client: PgClient): string {
  const target = client.host?.startsWith('/') ? `socket ${client.host}` : `${client.host ?? 'localhost'}:${client.port ?? 5432}`;
  return `${target} (database "${client.database ?? ''}", user "${client.user ?? ''}")`;
}

/** Turns pg's connect error into `UNIPOOL_CONNECT_TIMEOUT` / `UNIPOOL_CONNECT_FAILED`; the driver error is the cause. */
function connectError(client: PgClient, settings: ConnectionSettings, timeoutMs: number, error: unknown): UnipoolError {
  const target = describeTarget(client);
  // pg destroys the socket with exactly this error when connectionTimeoutMillis elapses (client.js).
  if (error instanceof Error && error.message === 'timeout expired') return connectTimeoutFailure('postgres', target, timeoutMs, error);
  const noEncryption = error instanceof Error && error.message.endsWith('no encryption');
  return connectFailure('postgres', target, error, noEncryption ? TLS_REQUIRED_HINTS : HINTS, settings.password);
}

/**
 * Opens one `pg.Client`. `settings.options` go to the client last, so any pg option
 * (`application_name`, `statement_timeout`, `keepAlive`, `types`…) can be set or overridden there.
 */
export async function connectPostgres(pg: PgModule, settings: ConnectionSettings, context: ConnectContext): Promise<PgClient> {
  const int64 = settings.int64 ?? 'number';
  const queryTimeout = clientTimeoutMs(context.statementTimeoutMs);
  // pg enables pipelining for any truthy value, the string "false" from a URL included.
  if (settings.options.pipeline) {
    throw new UnipoolError(
      'UNIPOOL_UNSUPPORTED',
      `postgres: options.pipeline is not supported (got ${JSON.stringify(settings.options.pipeline)}): pg would pipeline every statement on the connection, transaction control and stream() (pg-cursor) included. Remove "pipeline" from the options; the database option "pipeline" (next to "pool", on by default) pipelines only the statements that are safe to share a connection.`,
    );
  }
  const client = new pg.Client({
    host: settings.host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    password: settings.password,
    // Left out when unset so pg still reads PGSSLMODE from the environment.
    ...(settings.ssl === undefined ? {} : { ssl: pgSslOption(settings.ssl) }),
    connectionTimeoutMillis: context.timeoutMs,
    // The client backstop of statementTimeoutMs: pg fails a statement with no answer after this
    // long ('Query read timeout'), and the connection is destroyed. Before the options, so an
    // explicit options.query_timeout still wins.
    ...(queryTimeout === undefined ? {} : { query_timeout: queryTimeout }),
    ...settings.options,
    // A startup parameter, not a SET: it costs no round trip, the session-state tracking never
    // sees it, and DISCARD ALL / RESET ALL return to it (they restore the session's start values).
    ...(context.statementTimeoutMs === undefined ? {} : { statement_timeout: context.statementTimeoutMs }),
    // After the options: int8 follows the database's int64 option; other types still parse as the
    // application's own options.types (or pg's registry) say.
    types: int64TypeParsers(int64, (settings.options.types as PgTypeParsers | undefined) ?? pg.types ?? NO_PARSERS),
  });
  // Before connect(): the server reports in_hot_standby/default_transaction_read_only at startup.
  watchServerRole(client);
  const state = connectionState(client);
  state.checkInt64 = int64 === 'number';
  let connected = false;
  // Attached before connect(): when the server kills an idle connection (pg_terminate_backend,
  // restart, idle timeouts) pg emits 'error' on the client, and an 'error' event nobody listens to
  // crashes the process. The listener stays for the client's whole life.
  client.on('error', (error) => {
    state.broken = true;
    // While connecting, pg reports failures through connect()'s rejection instead.
    if (!connected || state.reportedBroken) return;
    state.reportedBroken = true;
    try {
      context.onBroken(error);
    } catch {
      // The pool's callback must never turn a dead socket into an uncaught exception.
    }
  });
  try {
    await client.connect();
  } catch (error) {
    // end() is a no-op on a socket pg already closed and closes one it did not; either way no
    // socket or timer outlives the failed attempt.
    await client.end().catch(() => undefined);
    throw connectError(client, settings, context.timeoutMs, error);
  }
  connected = true;
  // Left unset, the size is the default, and the cache waits to learn whether a pooler is in
  // between (see PgStatementCache) before it names a statement; an explicit size is taken as declared.
  const cacheSize = context.statementCacheSize ?? POSTGRES_STATEMENT_CACHE_SIZE;
  if (cacheSize > 0) state.statements = new PgStatementCache(cacheSize, context.statementCacheSize === undefined, context.pipeline === true);
  return client;
}
