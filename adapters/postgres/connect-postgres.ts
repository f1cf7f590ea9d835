import type { ConnectContext, ConnectionSettings } from '../../src/adapter.js';
import { UnipoolError } from '../../src/errors.js';
import { connectionState } from './postgres-connection-state.js';
import type { PgClient, PgModule } from './postgres-driver-types.js';

/** SQLSTATE / Node error codes → what to check, appended to connect-failure messages. */
const HINTS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'Is the server running and listening on that host and port?',
  ENOTFOUND: 'Check the host name.',
  EAI_AGAIN: 'Check the host name and DNS.',
  EHOSTUNREACH: 'Check the host and the network route to it.',
  ECONNRESET: 'The server closed the connection; check ssl settings and the server log.',
  '28P01': 'Check the user and password.',
  '28000': 'Check the user, password and pg_hba.conf.',
  '3D000': 'Check the database name.',
  '53300': 'The server has no free connection slots; lower pool.max or raise max_connections.',
  '57P03': 'The server is starting up or shutting down; retry later.',
};

/** A password must never reach a message, even if a driver message happened to echo it. */
function redact(text: string, password: string | undefined): string {
  return password ? text.split(password).join('***') : text;
}

function describeTarget(client: PgClient): string {
  const target = client.host?.startsWith('/') ? `socket ${client.host}` : `${client.host ?? 'localhost'}:${client.port ?? 5432}`;
  return `${target} (database "${client.database ?? ''}", user "${client.user ?? ''}")`;
}

/** Turns pg's connect error into `UNIPOOL_CONNECT_TIMEOUT` / `UNIPOOL_CONNECT_FAILED`; the driver error is the cause. */
function connectError(client: PgClient, settings: ConnectionSettings, timeoutMs: number, error: unknown): UnipoolError {
  const target = describeTarget(client);
  // pg destroys the socket with exactly this error when connectionTimeoutMillis elapses (client.js).
  if (error instanceof Error && error.message === 'timeout expired') {
    return new UnipoolError(
      'UNIPOOL_CONNECT_TIMEOUT',
      `postgres: connecting to ${target} took longer than connectTimeoutMs (${timeoutMs} ms). Check that the host and port are right and reachable (firewall, VPN), or raise pool.connectTimeoutMs.`,
      { cause: error },
    );
  }
  const code = (error as { code?: unknown } | null)?.code;
  const hint = (typeof code === 'string' ? HINTS[code] : undefined) ?? 'Check the connection settings.';
  const detail = error instanceof Error ? error.message : String(error);
  return new UnipoolError(
    'UNIPOOL_CONNECT_FAILED',
    redact(`postgres: could not connect to ${target}: ${detail}${typeof code === 'string' ? ` (${code})` : ''}. ${hint}`, settings.password),
    { cause: error },
  );
}

/**
 * Opens one `pg.Client`. `settings.options` go to the client last, so any pg option
 * (`application_name`, `statement_timeout`, `keepAlive`, `types`…) can be set or overridden there.
 */
export async function connectPostgres(pg: PgModule, settings: ConnectionSettings, context: ConnectContext): Promise<PgClient> {
  // pg enables pipelining for any truthy value, the string "false" from a URL included.
  if (settings.options.pipeline) {
    throw new UnipoolError(
      'UNIPOOL_UNSUPPORTED',
      `postgres: options.pipeline is not supported (got ${JSON.stringify(settings.options.pipeline)}): unipool runs one statement at a time on a connection and releases it in between, and stream() (pg-cursor) cannot run in pipeline mode. Remove "pipeline" from the options.`,
    );
  }
  const client = new pg.Client({
    host: settings.host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    password: settings.password,
    // Left out when unset so pg still reads PGSSLMODE from the environment. A copy: pg defines
    // properties on the ssl object it is given, and resolved settings are frozen.
    ...(settings.ssl === undefined ? {} : { ssl: typeof settings.ssl === 'object' ? { ...settings.ssl } : settings.ssl }),
    connectionTimeoutMillis: context.timeoutMs,
    ...settings.options,
  });
  const state = connectionState(client);
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
  return client;
}
