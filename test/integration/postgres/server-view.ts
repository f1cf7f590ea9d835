import pg from 'pg';
import { createDatabases, type Database, type Databases } from '../../../src/index.js';
import { sleep } from '../../support/engines.js';

/**
 * Helpers for the PostgreSQL suites that check the server's view as well as unipool's: each pool
 * gets its own `application_name`, and a separate plain `pg.Client` reads `pg_stat_activity` for it.
 * Other helpers share the server, so we only ever look at (or terminate) backends carrying our names.
 */

/** The shared test server. */
export const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

const PREFIX = `unipool_pgit_${process.pid}_`;
let names = 0;

/** A fresh `application_name` for one pool (PostgreSQL keeps at most 63 bytes of it). */
export function appName(): string {
  return `${PREFIX}${++names}`;
}

/** One pool opened by a test, with the name its backends carry and the warnings it reported. */
export interface OpenPool {
  readonly dbs: Databases<'default'>;
  readonly db: Database;
  /** The `application_name` of every connection of this pool. */
  readonly name: string;
  /** Messages given to the pool's logger (onCommit errors, cleanup failures, scope warnings). */
  readonly warnings: string[];
}

const open: Databases<'default'>[] = [];

/**
 * A registry with one PostgreSQL database `default` whose connections carry a fresh
 * application_name. `extra` is merged into the database config (`pool`, `release`, `url`…);
 * `extra.options` is merged with the application_name.
 */
export function openPool(extra: Record<string, unknown> = {}): OpenPool {
  const name = appName();
  const warnings: string[] = [];
  const { options, ...rest } = extra as { options?: Record<string, unknown> };
  const dbs = createDatabases(
    { default: { engine: 'postgres', url: PG_URL, ...rest, options: { application_name: name, ...options } } },
    { logger: { warn: (message) => void warnings.push(message) } },
  );
  open.push(dbs);
  return { dbs, db: dbs.default, name, warnings };
}

/** Registers an `afterEach` that closes every pool opened with `openPool`. */
export function closePoolsAfterEach(): void {
  afterEach(async () => {
    await Promise.all(open.splice(0).map((dbs) => dbs.close({ timeoutMs: 2000 })));
  });
}

/** One row of `pg_stat_activity` for a backend of ours. */
export interface Backend {
  readonly pid: number;
  /** `idle`, `active`, `idle in transaction`, `idle in transaction (aborted)`… */
  readonly state: string | null;
  /** The backend's transaction id, once its transaction has written something. */
  readonly xid: string | null;
  readonly query: string;
}

/** A plain `pg.Client` outside every pool, reading the server's view of our backends. */
export class ServerView {
  readonly #client: pg.Client;

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  static async open(): Promise<ServerView> {
    const client = new pg.Client({ connectionString: PG_URL, application_name: `${PREFIX}admin` });
    await client.connect();
    return new ServerView(client);
  }

  /** A query on the observer's own connection (a different session from every pool's). */
  async query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.#client.query<R>(sql, params)).rows;
  }

  /** The client backends carrying `name`, ordered by pid. */
  async backends(name: string): Promise<Backend[]> {
    return this.query<Backend>(
      "SELECT pid, state, backend_xid::text AS xid, query FROM pg_stat_activity WHERE application_name = $1 AND backend_type = 'client backend' ORDER BY pid",
      [name],
    );
  }

  /** The states of the backends carrying `name`, sorted. */
  async states(name: string): Promise<string[]> {
    return (await this.backends(name)).map((b) => String(b.state)).sort();
  }

  /** Polls `backends(name)` until `accept` returns true (at most `timeoutMs`), and returns them. */
  async waitFor(name: string, accept: (backends: Backend[]) => boolean, timeoutMs = 3000): Promise<Backend[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const backends = await this.backends(name);
      if (accept(backends)) return backends;
      if (Date.now() > deadline) throw new Error(`server view of ${name} never matched; last: ${JSON.stringify(backends)}`);
      await sleep(10);
    }
  }

  /** Terminates backend `pid`, but only if it carries `name` (never another helper's connection). */
  async terminate(name: string, pid: number): Promise<void> {
    const rows = await this.query<{ killed: boolean }>('SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE pid = $1 AND application_name = $2', [pid, name]);
    if (rows[0]?.killed !== true) throw new Error(`backend ${pid} (${name}) was not terminated`);
  }

  async close(): Promise<void> {
    await this.#client.end();
  }
}

/** Opens one `ServerView` for the enclosing `describe` and closes it after; returns a getter. */
export function useServerView(): () => ServerView {
  let view: ServerView | undefined;
  before(async () => {
    view = await ServerView.open();
  });
  after(async () => {
    await view?.close();
  });
  return () => {
    if (view === undefined) throw new Error('the server view is not open (used outside a test?)');
    return view;
  };
}

/** The current backend pid of a pool's next connection, as the server reports it. */
export async function backendPid(db: Database): Promise<number> {
  const { rows } = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return Number(rows[0]?.pid);
}

/** A promise that resolves when `open()` is called: holds a block open while the test looks at the server. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}
