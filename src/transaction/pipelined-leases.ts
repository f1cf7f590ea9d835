import type { AdapterResult, PipelineSupport, QueryParams, QueryResult } from '../adapter.js';
import type { DatabaseCore } from '../database-core.js';
import { publicResult } from '../database-core.js';
import { UnipoolError } from '../errors.js';
import { queryChannel } from '../metrics/pool-channels.js';
import { queryTraceContext } from '../metrics/query-trace.js';
import type { AcquireTicket, PooledConnection } from '../pool/pool-engine.js';

/**
 * Most statements in flight on one shared connection, as postgres.js allows. Past it a statement
 * waits for a connection like any other: a deeper queue only adds latency behind a slow statement.
 */
export const MAX_IN_FLIGHT_PER_CONNECTION = 100;

/**
 * Statements one lease takes before it stops taking more. It then goes back to the pool when its
 * last statement settles, so under constant load a shared connection still returns: callers waiting
 * for a connection of their own are served, `maxLifetimeMs` and leak detection still apply.
 */
export const MAX_STATEMENTS_PER_LEASE = 1000;

/**
 * A statement queued for a connection of its own (every connection lent, no open lease with room
 * for it) that a shared connection may take instead, once one opens or has room again.
 */
export interface WaitingStatement {
  readonly sql: string;
  readonly params: QueryParams | undefined;
  /** Leaves the pool's queue: true, or false when the pool has already lent it a connection. */
  leaveQueue(): boolean;
  /** Answers the caller with the statement's outcome on a shared connection. */
  joined(result: Promise<QueryResult>): void;
}

/** What `acquireOrJoin` answers when a shared connection took the statement: its outcome. */
export class JoinedStatement {
  readonly result: Promise<QueryResult>;

  constructor(result: Promise<QueryResult>) {
    this.result = result;
  }
}

/** A statement of `acquireOrJoin`, waiting in the pool's queue and listed with the leases. */
class WaitingForConnection implements WaitingStatement {
  readonly sql: string;
  readonly params: QueryParams | undefined;
  readonly #resolve: (outcome: PooledConnection<unknown> | JoinedStatement) => void;
  #ticket: AcquireTicket | undefined = undefined;

  constructor(sql: string, params: QueryParams | undefined, resolve: (outcome: PooledConnection<unknown> | JoinedStatement) => void) {
    this.sql = sql;
    this.params = params;
    this.#resolve = resolve;
  }

  queued(ticket: AcquireTicket): void {
    this.#ticket = ticket;
  }

  leaveQueue(): boolean {
    const ticket = this.#ticket;
    this.#ticket = undefined;
    return ticket?.cancel() === true;
  }

  joined(result: Promise<QueryResult>): void {
    this.#resolve(new JoinedStatement(result));
  }
}

/** One connection lent to statements that share it. */
class SharedLease {
  readonly conn: PooledConnection<unknown>;
  inFlight = 0;
  /** Statements started on it so far. */
  started = 0;
  /** Still listed as joinable. */
  open = true;

  constructor(conn: PooledConnection<unknown>) {
    this.conn = conn;
  }
}

/**
 * Pipelining (the database option `pipeline`): which statement may share a lent connection, and
 * when a shared connection goes back to the pool. A release decision, so it lives beside
 * `ReleasePolicy`, which it asks once the last statement on a connection has settled.
 *
 * The adapter says which statement may share a given connection (`PipelineSupport.accepts`: seen
 * running alone there without changing transaction or session state). Everything else — first-seen
 * statements, transaction control, `atomic()`, `session()`, `stream()`, lent pool clients — keeps a
 * connection of its own. A statement the adapter accepts starts a lease on an idle connection; when
 * none is idle it joins the open lease with the fewest statements in flight instead of waiting.
 * The pool sees one checkout per lease: `max`, the in-use count, leak detection and `close()` (which
 * waits for the lease) work unchanged.
 * @internal
 */
export class PipelinedLeases {
  readonly #core: DatabaseCore;
  readonly #support: PipelineSupport<unknown>;
  /** Leases that take more statements. Few (at most `max`): a scan is cheaper than any index. */
  readonly #open: SharedLease[] = [];
  /** Statements queued in the pool that a lease may take instead, oldest first. */
  readonly #waiting = new Set<WaitingStatement>();

  constructor(core: DatabaseCore, support: PipelineSupport<unknown>) {
    this.#core = core;
    this.#support = support;
  }

  /** True when the statement may be pipelined on `conn`, an idle connection just lent for it. */
  accepts(conn: PooledConnection<unknown>, sql: string, params: QueryParams | undefined): boolean {
    return this.#support.accepts(conn.raw, sql, params);
  }

  /** Runs the statement on `conn` (accepted by `accepts()`), which stays open to statements that join it. */
  start(conn: PooledConnection<unknown>, sql: string, params: QueryParams | undefined): Promise<QueryResult> {
    const lease = new SharedLease(conn);
    this.#open.push(lease);
    const result = this.#run(lease, sql, params);
    this.#offer(lease);
    return result;
  }

  /**
   * True when a statement about to wait for a connection could later be taken by a lease (it has
   * positional parameters: the only kind an adapter pipelines; and the pool can take a caller out of
   * its queue, which `acquireWith` tickets do); then list it with `waitToJoin` or `acquireOrJoin`.
   */
  mayJoinLater(params: QueryParams | undefined): boolean {
    return Array.isArray(params) && params.length > 0 && this.#core.engine.acquireWith !== undefined;
  }

  /**
   * Lists a statement queued in the pool: a lease that opens, or gets room, takes it out of the
   * queue and runs it (callers already waiting share a connection as soon as one is lent again,
   * instead of taking one each). Unlist it with `stopWaiting` when the pool answers it.
   */
  waitToJoin(statement: WaitingStatement): void {
    this.#waiting.add(statement);
  }

  stopWaiting(statement: WaitingStatement): void {
    this.#waiting.delete(statement);
  }

  /**
   * Waits for a connection for a statement (`mayJoinLater`), listed meanwhile: resolves with the
   * connection lent, or with the statement's outcome when a lease took it instead.
   */
  acquireOrJoin(sql: string, params: QueryParams | undefined): Promise<PooledConnection<unknown> | JoinedStatement> {
    const engine = this.#core.engine;
    return new Promise((resolve, reject) => {
      const waiting = new WaitingForConnection(sql, params, resolve);
      const ticket = (engine.acquireWith as NonNullable<typeof engine.acquireWith>).call(
        engine,
        (conn) => {
          this.#waiting.delete(waiting);
          resolve(conn);
        },
        (error) => {
          this.#waiting.delete(waiting);
          reject(error);
        },
      );
      if (ticket === undefined || ticket === null) return;
      waiting.queued(ticket);
      this.#waiting.add(waiting);
    });
  }

  /** Statements listed by `waitToJoin` and still waiting (for tests and diagnostics). */
  get waitingStatements(): number {
    return this.#waiting.size;
  }

  /**
   * `start()` when `accepts()` says the statement may be pipelined on `conn` (an idle connection
   * just lent for it, or one a waiting caller was handed); undefined otherwise — then the caller
   * runs it alone on `conn`.
   */
  startIfAccepted(conn: PooledConnection<unknown>, sql: string, params: QueryParams | undefined): Promise<QueryResult> | undefined {
    return this.accepts(conn, sql, params) ? this.start(conn, sql, params) : undefined;
  }

  /**
   * Runs the statement on the open lease with the fewest in flight that accepts it; undefined when
   * none does (then the caller waits for a connection). Asked only when no connection is idle.
   */
  join(sql: string, params: QueryParams | undefined): Promise<QueryResult> | undefined {
    const open = this.#open;
    if (open.length === 0 || this.#core.engine.closed) return undefined;
    for (;;) {
      let best: SharedLease | undefined;
      for (const lease of open) {
        if (lease.inFlight < MAX_IN_FLIGHT_PER_CONNECTION && (best === undefined || lease.inFlight < best.inFlight) && this.#support.accepts(lease.conn.raw, sql, params)) best = lease;
      }
      if (best === undefined) return undefined;
      if (!this.#closedIfMarked(best)) return this.#run(best, sql, params);
    }
  }

  /** Leases open to more statements now (for tests and diagnostics). */
  get openLeases(): number {
    return this.#open.length;
  }

  async #run(lease: SharedLease, sql: string, params: QueryParams | undefined): Promise<QueryResult> {
    const core = this.#core;
    const conn = lease.conn;
    lease.inFlight++;
    if (++lease.started >= MAX_STATEMENTS_PER_LEASE) this.#close(lease);
    let result;
    try {
      result = await this.#send(conn, sql, params);
    } catch (error) {
      const failure = core.failure(conn, error);
      // A failed statement shares nothing with its neighbours: they go on; the connection's fate
      // (rolled back, destroyed) is the policy's once the last of them settles.
      await this.#settled(lease);
      throw failure;
    }
    core.noteResult(conn, result);
    await this.#settled(lease);
    const change = result.sessionState;
    if (change?.outsideSession === 'error') {
      throw new UnipoolError('UNIPOOL_SESSION_STATE_OUTSIDE_SESSION', `unipool: pool "${core.config.alias}": the statement changed session state (${change.statement}), but outside db.session() the next query may run on another connection, so the connection was reset. Run it inside db.session(async () => { … }), or set it in the connection options.`);
    }
    return publicResult(result);
  }

  #send(conn: PooledConnection<unknown>, sql: string, params: QueryParams | undefined): Promise<AdapterResult> {
    if (!queryChannel.hasSubscribers) return this.#support.query(conn.raw, sql, params);
    const trace = queryTraceContext(this.#core.config.alias, this.#core.config.engine, conn.id, sql, params, 'none');
    return queryChannel.tracePromise(() => this.#support.query(conn.raw, sql, params), trace);
  }

  /**
   * Runs waiting statements that `lease` accepts on it, oldest first, while it has room. The pool
   * must give each up first: one it has lent a connection to in the meantime runs there instead.
   */
  #offer(lease: SharedLease): void {
    if (this.#waiting.size === 0) return;
    const raw = lease.conn.raw;
    for (const waiting of this.#waiting) {
      if (!lease.open || lease.inFlight >= MAX_IN_FLIGHT_PER_CONNECTION) return;
      if (this.#closedIfMarked(lease)) return;
      if (!this.#support.accepts(raw, waiting.sql, waiting.params)) continue;
      this.#waiting.delete(waiting);
      if (waiting.leaveQueue()) waiting.joined(this.#run(lease, waiting.sql, waiting.params));
    }
  }

  /** One statement of `lease` settled; after the last one the policy decides what happens to the connection. */
  #settled(lease: SharedLease): Promise<void> | void {
    if (--lease.inFlight > 0) {
      if (lease.open && this.#waiting.size > 0) this.#offer(lease);
      return;
    }
    this.#close(lease);
    return this.#core.policy.release(lease.conn, 'statement');
  }

  /**
   * True, and `lease` taken off the joinable list, when its connection was marked for destruction
   * (it broke, or its server turned read-only): lent alone, it would never be handed out again, so
   * it takes no more statements.
   */
  #closedIfMarked(lease: SharedLease): boolean {
    if (!this.#core.policy.isMarkedBroken(lease.conn.raw)) return false;
    this.#close(lease);
    return true;
  }

  /** Takes `lease` off the joinable list (full, or its last statement settled). */
  #close(lease: SharedLease): void {
    if (!lease.open) return;
    lease.open = false;
    const open = this.#open;
    const index = open.indexOf(lease);
    if (index >= 0) open.splice(index, 1);
  }
}
