import type { ConnectionSettings } from '../../../src/adapter.js';
import { postgresAdapter, type PgConnection } from '../../../adapters/postgres/index.js';

/** Every connection these suites open carries this application_name, so we only ever kill our own. */
export const APPLICATION_NAME = `unipool-pgadapter-test-${process.pid}`;

/** Settings for the shared test server (trust auth). */
export function pgSettings(options: Record<string, unknown> = {}, overrides: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return {
    host: process.env.PGHOST_TEST ?? '127.0.0.1',
    port: 5432,
    database: 'test',
    user: 'postgres',
    ...overrides,
    options: { application_name: APPLICATION_NAME, ...options },
  };
}

/** Opens one adapter connection; `onBroken` defaults to a no-op. */
export function connect(options: Record<string, unknown> = {}, onBroken: (error: unknown) => void = () => undefined): Promise<PgConnection> {
  return postgresAdapter.connect(pgSettings(options), { timeoutMs: 5000, onBroken });
}

/** Connections opened by a suite, closed in `after`/`afterEach`. */
export class OpenConnections {
  readonly #open = new Set<PgConnection>();

  async open(options: Record<string, unknown> = {}, onBroken?: (error: unknown) => void): Promise<PgConnection> {
    const conn = await connect(options, onBroken);
    this.#open.add(conn);
    return conn;
  }

  async closeAll(): Promise<void> {
    const all = [...this.#open];
    this.#open.clear();
    await Promise.all(all.map((conn) => postgresAdapter.close(conn).catch(() => undefined)));
  }
}

/**
 * Terminates the backend of `victim` from `admin`, but only if it carries our application_name
 * (other helpers share the server). Returns whether a backend was terminated.
 */
export async function terminate(admin: PgConnection, victim: PgConnection): Promise<boolean> {
  const { rows } = await postgresAdapter.query(
    admin,
    'SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE pid = $1 AND application_name = $2',
    [victim.processID, APPLICATION_NAME],
  );
  return rows[0]?.killed === true;
}

/** Resolves once pg has processed the end of `conn`'s socket. */
export function ended(conn: PgConnection): Promise<void> {
  if (conn._ended === true) return Promise.resolve();
  return new Promise((resolve) => conn.connection.once('end', () => resolve()));
}
