import type { Adapter, AdapterResult, QueryParams, QueryResult } from './adapter.js';
import type { ResolvedDatabaseConfig } from './config/resolved-config.js';
import type { PoolEngine, PooledConnection } from './pool/pool-engine.js';
import type { Logger } from './logger.js';
import { UnipoolError } from './errors.js';
import { asParameterError } from './parameter-error.js';
import { statementTimeout } from './statement-timeout.js';
import { queryChannel } from './metrics/pool-channels.js';
import { queryTraceContext } from './metrics/query-trace.js';
import { context } from './transaction/context.js';
import { findHeld } from './transaction/find-held.js';
import { ReleasePolicy } from './transaction/release-policy.js';
import { ServerConnections } from './topology/server-connections.js';
import { evictsReadOnlyServers } from './topology/target-session-attrs.js';
import { PipelinedLeases } from './transaction/pipelined-leases.js';

/**
 * What every part of one database shares: its adapter, its pool engine, and its release policy
 * (`ReleasePolicy`, the one place that decides what happens to a connection after a statement).
 * @internal
 */
export class DatabaseCore {
  readonly config: ResolvedDatabaseConfig;
  readonly adapter: Adapter<unknown>;
  readonly engine: PoolEngine<unknown>;
  readonly logger: Logger;
  /** What happens to a connection after a statement or when its holder lets go. */
  readonly policy: ReleasePolicy;
  /** Which server each open connection reached, for evicting them all when that server turns read-only. */
  readonly servers = new ServerConnections();
  readonly #evictsReadOnly: boolean;
  /**
   * Which statements may share a lent connection, and when a shared one goes back (the `pipeline`
   * option); undefined when it is off or the engine cannot pipeline — then every statement runs alone.
   */
  readonly pipelined: PipelinedLeases | undefined;

  constructor(config: ResolvedDatabaseConfig, adapter: Adapter<unknown>, engine: PoolEngine<unknown>, logger: Logger) {
    this.config = config;
    this.adapter = adapter;
    this.engine = engine;
    this.logger = logger;
    this.policy = new ReleasePolicy(adapter, engine, logger, config.alias);
    this.#evictsReadOnly = evictsReadOnlyServers(config.connection.targetSessionAttrs ?? 'any');
    this.pipelined = config.pipeline !== false && adapter.pipeline !== undefined ? new PipelinedLeases(this, adapter.pipeline) : undefined;
  }

  /** Called by the adapter (through the engine's factory) when an idle connection dies. */
  markBroken(raw: unknown): void {
    this.policy.markBroken(raw);
  }

  /**
   * A checked-out connection that is usable, waiting for one when none is idle; dead ones are
   * destroyed on the way. Hot paths try `acquireNow()` first: it costs no promise.
   */
  async acquire(): Promise<PooledConnection<unknown>> {
    for (;;) {
      const conn = await this.engine.acquire();
      if (this.policy.keepLent(conn)) return conn;
    }
  }

  /** An idle, usable connection lent at once (no promise), or undefined — then `acquire()`. */
  acquireNow(): PooledConnection<unknown> | undefined {
    const conn = this.engine.acquireNow();
    return conn !== undefined && this.policy.keepLent(conn) ? conn : undefined;
  }

  /**
   * `conn`, freshly lent by `engine.acquire()`, when it is usable; otherwise it is destroyed and
   * this returns undefined (the caller acquires another). For hot paths that await the engine
   * themselves instead of `acquire()`'s extra async layer.
   */
  usable(conn: PooledConnection<unknown>): PooledConnection<unknown> | undefined {
    return this.policy.keepLent(conn) ? conn : undefined;
  }

  /**
   * The adapter's promise for one statement. With a `unipool:query` tracer subscribed it runs inside
   * the tracing channel; without one the hot path pays a single boolean read. Its errors are the
   * driver's: the caller passes them to `failure()`, and the result to `noteResult()` (in the
   * caller's own async function, so a statement costs one promise, not one per layer).
   */
  send(conn: PooledConnection<unknown>, sql: string, params: QueryParams | undefined): Promise<AdapterResult> {
    if (!queryChannel.hasSubscribers) return this.adapter.query(conn.raw, sql, params);
    const held = findHeld(this, context.getStore())?.holder;
    const kind = held !== undefined && held.conn === conn ? held.kind : 'none';
    const trace = queryTraceContext(this.config.alias, this.config.engine, conn.id, sql, params, kind);
    return queryChannel.tracePromise(() => this.adapter.query(conn.raw, sql, params), trace);
  }

  /**
   * The statement's result computed at once, for adapters whose driver answers synchronously
   * (`querySync`); undefined when this adapter cannot, when it would have to wait, or when a
   * `unipool:query` tracer listens (tracing wants the promise) — then `send()`.
   */
  sendSync(conn: PooledConnection<unknown>, sql: string, params: QueryParams | undefined): AdapterResult | undefined {
    const adapter = this.adapter;
    if (adapter.querySync === undefined || queryChannel.hasSubscribers) return undefined;
    return adapter.querySync(conn.raw, sql, params);
  }

  /** A statement that changed session state makes its connection dirty: it is reset before reuse. */
  noteResult(conn: PooledConnection<unknown>, result: AdapterResult): void {
    if (result.sessionState !== undefined) conn.dirty = true;
  }

  /**
   * The error to throw for a statement that failed on `conn`: the driver's own error (a driver
   * TypeError/RangeError about a bound value becomes `UNIPOOL_INVALID_ARGUMENT`), unless the
   * connection itself broke — then one stable code for every driver (pg has several uncoded
   * messages for it), the connection marked so it is destroyed, and the driver error as `cause`.
   */
  failure(conn: PooledConnection<unknown>, error: unknown): unknown {
    if (error instanceof UnipoolError) return error;
    // Before the stack is taken below, so that its first line carries the hint added to the message.
    const readOnlyServer = this.#evictsReadOnly && this.adapter.serverReadOnly?.(conn.raw, error) === true;
    if (readOnlyServer) this.#evictReadOnlyServer(conn, error);
    // Drivers fail a statement from their socket reader, so their stack shows only driver frames.
    // Called right after the await, this one (with V8's async frames) leads back to the caller.
    if (error instanceof Error) Error.captureStackTrace(error);
    if (readOnlyServer) return error;
    const broken = this.adapter.isBroken(conn.raw, error);
    if (broken) this.markBroken(conn.raw);
    if (this.adapter.isStatementTimeout?.(error) === true) return statementTimeout(this.config, broken, error);
    if (!broken) return asParameterError(this.config.alias, this.config.engine, error);
    const code = (error as { code?: unknown } | null)?.code;
    const what = typeof code === 'string' ? code : (error as Error)?.message ?? String(error);
    return new UnipoolError(
      'UNIPOOL_CONNECTION_BROKEN',
      `unipool: pool "${this.config.alias}": the connection broke while the statement ran (${what}); it was destroyed. The statement may or may not have run: retry only if it is idempotent.`,
      { cause: error },
    );
  }

  /**
   * The server behind `conn` refused a write because it is read-only now — after a failover the old
   * primary comes back as a standby, or is fenced with default_transaction_read_only. Every
   * connection to it is marked broken (`conn` is destroyed when released, idle ones when next lent),
   * so the next connect goes through the hosts again and finds the writable one. The caller still
   * gets the driver's error, its code intact, with a sentence saying what happened: the write did
   * not happen, and retrying it is safe.
   */
  #evictReadOnlyServer(conn: PooledConnection<unknown>, error: unknown): void {
    const server = this.servers.serverOf(conn.raw);
    for (const raw of this.servers.sameServer(conn.raw)) this.markBroken(raw);
    if (error instanceof Error) {
      error.message += ` (unipool: the server${server === undefined ? '' : ` ${server}`} is read-only now — a failover or a demoted primary; pool "${this.config.alias}" closes its connections to it and the next connection looks for a writable host. Nothing was written: retrying is safe.)`;
    }
  }

  /**
   * Hands a connection back when its holder lets go (see `ReleasePolicy`). The common case (healthy,
   * idle, clean) is synchronous; anything else rolls back, resets or destroys first. `reset` forces
   * a session reset (end of `session()`).
   */
  giveBack(conn: PooledConnection<unknown>, reset = false): Promise<void> | void {
    return this.policy.release(conn, reset ? 'session-ended' : 'ended');
  }

  /** Runs user callbacks (onCommit, listeners): their errors are reported, never thrown into the pool. */
  runCallback(callback: () => unknown, what: string): void {
    const report = (error: unknown): void => {
      this.logger.warn(`unipool: pool "${this.config.alias}": ${what} threw: ${(error as Error)?.stack ?? String(error)}`);
    };
    try {
      const result = callback();
      if (result instanceof Promise) result.catch(report);
    } catch (error) {
      report(error);
    }
  }
}

/**
 * The public shape of a result: the adapter's extra fields left out. The result itself when it has
 * none (every statement that changes no session state: no copy on the hot path), a copy otherwise.
 */
export function publicResult(result: AdapterResult): QueryResult {
  if (result.sessionState === undefined) return result;
  const { sessionState: _omitted, ...rest } = result;
  return rest;
}
