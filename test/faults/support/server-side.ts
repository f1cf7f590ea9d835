import { createDatabases, type Database, type DatabaseConfig, type Databases } from '../../../src/index.js';
import { engineUnderTest } from '../../support/engines.js';

/** What the server says about the connections of one tagged pool. */
export interface ServerView {
  /** Connections of the pool open on the server. */
  readonly connections: number;
  /** Of those, connections inside a transaction (pg `idle in transaction`, InnoDB `innodb_trx`). */
  readonly inTransaction: number;
}

/**
 * A view from the server side of the shared PostgreSQL or MariaDB, for one pool whose connections
 * carry a tag: `application_name` on PostgreSQL, a database of its own on MariaDB (MariaDB has no
 * application name and its performance_schema is off; the processlist shows each connection's
 * database). Fault tests kill and count only tagged connections — never another suite's.
 */
export class ServerSide {
  readonly engine: 'postgres' | 'mysql';
  readonly tag: string;
  readonly #registry: Databases<'default'>;
  readonly #admin: Database;

  private constructor(engine: 'postgres' | 'mysql', tag: string) {
    this.engine = engine;
    this.tag = tag;
    this.#registry = createDatabases({ default: engineUnderTest(engine).config({ pool: { max: 2 } }) as unknown as DatabaseConfig });
    this.#admin = this.#registry.default;
  }

  /** Opens the admin connection and, on MariaDB, creates the tag's database. */
  static async open(engine: 'postgres' | 'mysql', scenario: string): Promise<ServerSide> {
    const side = new ServerSide(engine, `unipool_faults_${scenario}_${process.pid}`);
    if (engine === 'mysql') await side.#admin.query(`CREATE DATABASE IF NOT EXISTS ${side.tag}`);
    return side;
  }

  /** A database config whose connections carry the tag (`extra` merged in, e.g. `pool`). */
  config(extra: Record<string, unknown> = {}): DatabaseConfig {
    if (this.engine === 'postgres') {
      const options = { application_name: this.tag, ...((extra.options as Record<string, unknown> | undefined) ?? {}) };
      return engineUnderTest('postgres').config({ ...extra, options }) as unknown as DatabaseConfig;
    }
    return { engine: 'mysql', url: `mysql://root@127.0.0.1:3306/${this.tag}`, ...extra } as DatabaseConfig;
  }

  /** The SQL that answers the server-side id of the connection it runs on, as `id`. */
  get backendIdSql(): string {
    return this.engine === 'postgres' ? 'SELECT pg_backend_pid() AS id' : 'SELECT CONNECTION_ID() AS id';
  }

  /** A statement that runs for `seconds` unless interrupted. */
  sleepSql(seconds: number): string {
    return this.engine === 'postgres' ? `SELECT pg_sleep(${seconds})` : `SELECT SLEEP(${seconds})`;
  }

  /** Ends the connection `id` on the server (pg_terminate_backend / KILL). */
  async kill(id: number): Promise<void> {
    if (this.engine === 'postgres') await this.#admin.query('SELECT pg_terminate_backend($1)', [id]);
    else await this.#admin.query(`KILL CONNECTION ${Number(id)}`).catch(() => undefined); // already gone
  }

  /** Cancels the statement running on `id`, leaving the connection alive (pg_cancel_backend / KILL QUERY). */
  async cancel(id: number): Promise<void> {
    if (this.engine === 'postgres') await this.#admin.query('SELECT pg_cancel_backend($1)', [id]);
    else await this.#admin.query(`KILL QUERY ${Number(id)}`);
  }

  /** Ids of the tagged connections, with whether each is running a statement now. */
  async connections(): Promise<Array<{ id: number; busy: boolean }>> {
    const sql =
      this.engine === 'postgres'
        ? "SELECT pid AS id, state = 'active' AS busy FROM pg_stat_activity WHERE application_name = $1"
        : "SELECT ID AS id, COMMAND = 'Query' AS busy FROM information_schema.PROCESSLIST WHERE DB = ?";
    const { rows } = await this.#admin.query<{ id: number; busy: boolean | number }>(sql, [this.tag]);
    return rows.map((row) => ({ id: Number(row.id), busy: row.busy === true || Number(row.busy) === 1 }));
  }

  /** Resolves once connection `id` is running a statement (so a kill lands on a busy connection). */
  async untilBusy(id: number, timeoutMs = 10_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if ((await this.connections()).some((conn) => conn.id === id && conn.busy)) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`connection ${id} never became busy`);
  }

  /** Resolves once none of `ids` is listed by the server any more (the kills have landed). */
  async untilGone(ids: readonly number[], timeoutMs = 10_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const open = new Set((await this.connections()).map((conn) => conn.id));
      if (ids.every((id) => !open.has(id))) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`connections ${ids.join(', ')} are still open on the server`);
  }

  /** Connection and open-transaction counts of the tagged pool. */
  async view(): Promise<ServerView> {
    if (this.engine === 'postgres') {
      const { rows } = await this.#admin.query<{ connections: string; in_transaction: string }>(
        "SELECT count(*) AS connections, count(*) FILTER (WHERE state LIKE 'idle in transaction%' OR backend_xid IS NOT NULL) AS in_transaction FROM pg_stat_activity WHERE application_name = $1",
        [this.tag],
      );
      return { connections: Number(rows[0]?.connections), inTransaction: Number(rows[0]?.in_transaction) };
    }
    // A killed thread lingers in the list as `Killed` until it has cleaned up: it is no longer the pool's.
    const connections = await this.#admin.query<{ n: number }>("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND COMMAND <> 'Killed'", [this.tag]);
    const open = await this.#admin.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE p.DB = ?',
      [this.tag],
    );
    return { connections: Number(connections.rows[0]?.n), inTransaction: Number(open.rows[0]?.n) };
  }

  /**
   * The server's count of the pool's connections and the pool's own (`poolSize()`, read live) once
   * they have settled: closed connections take a moment to leave the server's lists, and a create
   * may still be in flight (its backend is on the server before the driver's connect resolves and
   * the pool counts it). One equal reading can fall between two such moves, so this polls until
   * both sides agree on the same number three readings in a row, or time is up, and answers that
   * last pair: compare them with each other, not with a size read at another moment.
   */
  async settledConnections(poolSize: () => number, timeoutMs = 5000): Promise<{ server: number; pool: number }> {
    const deadline = performance.now() + timeoutMs;
    let agreed = 0;
    let last = -1;
    for (;;) {
      const { connections: server } = await this.view();
      const pool = poolSize();
      agreed = server === pool && server === last ? agreed + 1 : server === pool ? 1 : 0;
      last = server;
      if (agreed >= 3 || performance.now() > deadline) return { server, pool };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The server's list of the tagged connections, for an assertion message. */
  async describe(): Promise<string> {
    const sql =
      this.engine === 'postgres'
        ? 'SELECT pid AS id, state, backend_start::text AS since, left(query, 60) AS query FROM pg_stat_activity WHERE application_name = $1'
        : 'SELECT ID AS id, COMMAND AS state, TIME AS since, LEFT(INFO, 60) AS query FROM information_schema.PROCESSLIST WHERE DB = ?';
    const { rows } = await this.#admin.query(sql, [this.tag]);
    return JSON.stringify(rows);
  }

  /** Ends every tagged connection still open, drops the tag's database, closes the admin pool. */
  async close(): Promise<void> {
    try {
      for (const { id } of await this.connections()) await this.kill(id);
      if (this.engine === 'mysql') await this.#admin.query(`DROP DATABASE IF EXISTS ${this.tag}`);
    } finally {
      await this.#registry.close({ timeoutMs: 2000 });
    }
  }
}
