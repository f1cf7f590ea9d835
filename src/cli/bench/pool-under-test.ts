/** Runs one statement; resolves when it is done (the result is not used). */
export type QueryFn = (sql: string, params?: readonly unknown[]) => Promise<unknown>;

/** One statement of a transaction. */
export interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * A pool being measured, seen through the three things the workloads do with it. Each contender
 * does them the way its users would: unipool with `query`/`dbs.scope`/`atomic`, a raw `pg.Pool`
 * with `pool.query` and a client checked out per request, knex with `knex.raw`/`knex.transaction`.
 */
export interface PoolUnderTest {
  /** W1: one statement on whatever connection the pool hands out. */
  query: QueryFn;
  /** W2: one request; `body` runs its statements through `query` (the contender decides what it holds meanwhile). */
  request(body: (query: QueryFn) => Promise<void>): Promise<void>;
  /** W3: BEGIN, the statements in order, COMMIT (ROLLBACK when one fails). */
  transaction(statements: readonly Statement[]): Promise<void>;
  /** Connections checked out right now. */
  inUse(): number;
  close(): Promise<void>;
}

/** How a contender's pool is opened for one measurement. */
export interface OpenSettings {
  readonly max: number;
  /** A name the server can list the connections under (PostgreSQL `application_name`). */
  readonly tag: string;
}

/** A contender: its name, and how to open a fresh pool of it. */
export interface ContenderSpec {
  /** Stable id used in JSON and for the baseline: `raw`, `unipool-asap`… */
  readonly id: string;
  readonly label: string;
  open(settings: OpenSettings): Promise<PoolUnderTest>;
}
