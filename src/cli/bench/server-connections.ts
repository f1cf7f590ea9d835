import type { DatabaseConfig } from '../../config/databases-config.js';
import { createDatabases, type Databases } from '../../create-databases.js';

/** Connections the server sees for one contender. */
export interface ServerCount {
  /** Open connections. */
  readonly open: number;
  /** Of those, busy ones: running a statement or inside a transaction. */
  readonly busy: number;
}

/**
 * The server's own view of connections, through a one-connection unipool pool of its own (so the
 * count never includes the monitor). PostgreSQL counts by `application_name`, which every
 * contender sets to its tag; MySQL/MariaDB have no such name in `PROCESSLIST`, so it counts every
 * connection to the same database — run the benchmark in a database nothing else uses.
 */
export class ServerConnections {
  readonly #dbs: Databases<'default'>;
  readonly #engine: 'postgres' | 'mysql';

  private constructor(dbs: Databases<'default'>, engine: 'postgres' | 'mysql') {
    this.#dbs = dbs;
    this.#engine = engine;
  }

  /** A monitor for `config` (a unipool database config), or undefined for an engine without a server. */
  static open(config: Readonly<Record<string, unknown>>): ServerConnections | undefined {
    const engine = config['engine'];
    if (engine !== 'postgres' && engine !== 'mysql') return undefined;
    const options = engine === 'postgres' ? { ...(config['options'] as object | undefined), application_name: 'unipool-bench-monitor' } : config['options'];
    const monitor = { ...config, ...(options === undefined ? {} : { options }), release: 'asap', pool: { min: 0, max: 1 } };
    const dbs = createDatabases({ default: monitor as unknown as DatabaseConfig });
    return new ServerConnections(dbs, engine);
  }

  /** Connections tagged `tag` (PostgreSQL), or to this database (MySQL), right now. */
  async count(tag: string): Promise<ServerCount> {
    const db = this.#dbs.default;
    const { rows } =
      this.#engine === 'postgres'
        ? await db.query("SELECT count(*)::int AS open, (count(*) FILTER (WHERE state IS DISTINCT FROM 'idle'))::int AS busy FROM pg_stat_activity WHERE application_name = $1", [tag])
        : await db.query("SELECT COUNT(*) AS open, COALESCE(SUM(COMMAND NOT IN ('Sleep', 'Daemon')), 0) AS busy FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()");
    const row = rows[0] ?? {};
    return { open: Number(row['open'] ?? 0), busy: Number(row['busy'] ?? 0) };
  }

  /** The server's connection limit and the connections open now (by anyone), to size a sweep over `max`. */
  async capacity(): Promise<{ limit: number; used: number }> {
    const db = this.#dbs.default;
    const { rows } =
      this.#engine === 'postgres'
        ? await db.query(
            "SELECT (current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int) AS lim, (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS used",
          )
        : await db.query('SELECT @@max_connections AS lim, (SELECT COUNT(*) FROM information_schema.PROCESSLIST) AS used');
    const row = rows[0] ?? {};
    return { limit: Number(row['lim'] ?? 0), used: Number(row['used'] ?? 0) };
  }

  /** The server's version string. */
  async version(): Promise<string> {
    const { rows } = await this.#dbs.default.query(this.#engine === 'postgres' ? 'SELECT version() AS v' : 'SELECT VERSION() AS v');
    return String(rows[0]?.['v'] ?? 'unknown');
  }

  close(): Promise<void> {
    return this.#dbs.close({ timeoutMs: 2000 });
  }
}
