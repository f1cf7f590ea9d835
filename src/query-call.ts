import type { AdapterResult, QueryParams, QueryResult, QuerySink } from './adapter.js';
import type { DatabaseCore } from './database-core.js';
import type { AcquireTicket, PooledConnection } from './pool/pool-engine.js';
import type { Scope } from './transaction/context.js';
import type { WaitingStatement } from './transaction/pipelined-leases.js';

/** What a `QueryCall` needs of its database beyond the core: the steps `db.query()` shares with its other paths. */
export interface QueryCallSteps {
  /** The release policy's answer after a statement, as `db.query()` applies it (synchronous when the connection is simply given back). */
  settle(conn: PooledConnection<unknown>, result: AdapterResult, scope: Scope | undefined): QueryResult | Promise<QueryResult>;
  /** The connection taken back after a failed statement; the promise rejects with the error to report. */
  failed(conn: PooledConnection<unknown>, error: unknown): Promise<never>;
}

/**
 * One `db.query()` outside a transaction on an adapter with `queryInto` (a callback driver:
 * mysql2): acquire, run, release and answer the caller with a single promise — the caller's own —
 * instead of one for the acquire, one for the statement and one for an async function around them.
 * A record with methods rather than closures, because one is made for every such query: the pool
 * lends the connection to `lend`, the adapter answers `resolved`/`failed`.
 *
 * Not used while a `unipool:query` tracer listens: the statement may start inside the release of
 * another query's connection, in that query's async context, where a tracer's span would find the
 * wrong parent. The promise path starts it from the caller's own context.
 * @internal
 */
export class QueryCall implements QuerySink, WaitingStatement {
  readonly #core: DatabaseCore;
  readonly #steps: QueryCallSteps;
  readonly #text: string;
  readonly #values: QueryParams | undefined;
  readonly #scope: Scope | undefined;
  readonly #resolve: (result: QueryResult | Promise<QueryResult>) => void;
  readonly #reject: (error: unknown) => void;
  #conn: PooledConnection<unknown> | undefined = undefined;
  /** Its place in the pool's queue while it waits there (listed with the pipelined leases). */
  #ticket: AcquireTicket | undefined = undefined;

  constructor(core: DatabaseCore, steps: QueryCallSteps, text: string, values: QueryParams | undefined, scope: Scope | undefined, resolve: (result: QueryResult | Promise<QueryResult>) => void, reject: (error: unknown) => void) {
    this.#core = core;
    this.#steps = steps;
    this.#text = text;
    this.#values = values;
    this.#scope = scope;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  get sql(): string {
    return this.#text;
  }

  get params(): QueryParams | undefined {
    return this.#values;
  }

  /**
   * Waits for a connection (the pool calls `lend` with it, possibly inside another query's release).
   * While it waits, a shared connection may take the statement instead (`joined`).
   */
  acquire(): void {
    const core = this.#core;
    const engine = core.engine;
    const ticket = (engine.acquireWith as NonNullable<typeof engine.acquireWith>)(
      (lent) => this.lend(lent),
      (error) => this.#acquireFailed(error),
    );
    const pipelined = core.pipelined;
    if (ticket !== undefined && ticket !== null && pipelined !== undefined && pipelined.mayJoinLater(this.#values)) {
      this.#ticket = ticket;
      pipelined.waitToJoin(this);
    }
  }

  #acquireFailed(error: unknown): void {
    this.#stopWaiting();
    this.#reject(error);
  }

  #stopWaiting(): void {
    if (this.#ticket === undefined) return;
    this.#ticket = undefined;
    this.#core.pipelined?.stopWaiting(this);
  }

  leaveQueue(): boolean {
    const ticket = this.#ticket;
    this.#ticket = undefined;
    return ticket?.cancel() === true;
  }

  joined(result: Promise<QueryResult>): void {
    this.#resolve(result);
  }

  /**
   * A connection the pool lent: run the statement on it (a dead one is destroyed and another
   * awaited). Often called inside the release of another query's connection: nothing thrown here
   * may reach that query, so it fails this one.
   */
  lend(lent: PooledConnection<unknown>): void {
    this.#stopWaiting();
    try {
      const core = this.#core;
      const conn = core.usable(lent);
      if (conn === undefined) {
        this.acquire();
        return;
      }
      // Waited for: open it to statements that may share it, as an idle one is.
      const shared = core.pipelined?.startIfAccepted(conn, this.#text, this.#values);
      if (shared !== undefined) {
        this.#resolve(shared);
        return;
      }
      this.run(conn);
    } catch (error) {
      this.#reject(error);
    }
  }

  /** Runs the statement on `conn`, acquired for it and not shared. */
  run(conn: PooledConnection<unknown>): void {
    this.#conn = conn;
    const adapter = this.#core.adapter;
    (adapter.queryInto as NonNullable<typeof adapter.queryInto>)(conn.raw, this.#text, this.#values, this);
  }

  resolved(result: AdapterResult): void {
    let answer;
    try {
      answer = this.#steps.settle(this.#conn as PooledConnection<unknown>, result, this.#scope);
    } catch (error) {
      this.#reject(error);
      return;
    }
    this.#resolve(answer);
  }

  failed(error: unknown): void {
    this.#resolve(this.#steps.failed(this.#conn as PooledConnection<unknown>, error));
  }
}
