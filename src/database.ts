import type { AdapterResult, Capabilities, Engine, QueryParams, QueryResult, Row } from './adapter.js';
import type { PooledConnection } from './pool/pool-engine.js';
import { publicResult, type DatabaseCore } from './database-core.js';
import type { ReleaseDecision } from './transaction/release-policy.js';
import { TransactionError, UnipoolError } from './errors.js';
import { createMysqlPool, type MysqlPool } from './integrations/mysql-pool/mysql-pool.js';
import type { PoolStats } from './metrics/pool-stats.js';
import { createSqlTag, isSqlStatement, sqlEngineOf, type SqlStatement, type SqlTag } from './sql-template.js';
import type { CommitCallback } from './transaction/atomic-block.js';
import { context, frameWith, type Frame, type Scope } from './transaction/context.js';
import { findHeld } from './transaction/find-held.js';
import { Holder } from './transaction/holder.js';
import { runAtomic, type AtomicOptions } from './transaction/run-atomic.js';
import { streamRows, type StreamOptions } from './transaction/stream-rows.js';
import { NotificationListener, type ListenOptions, type Unlisten } from './notifications/notification-listener.js';
import { createPgPool, type PgPool } from './integrations/pg-pool/create-pg-pool.js';
import type { ReplicaMember } from './replicas/replica-member.js';
import { ReplicaRouter, type ReplicaReader } from './replicas/replica-router.js';
import { QueryCall, type QueryCallSteps } from './query-call.js';
import { queryChannel } from './metrics/pool-channels.js';
import { JoinedStatement, type PipelinedLeases } from './transaction/pipelined-leases.js';

const NO_OPTIONS: AtomicOptions = Object.freeze({});
/** How many waiting callers one release may serve synchronously, each inside the previous one's stack. */
const MAX_NESTED_RUNS = 32;

let readCore: (db: Database) => DatabaseCore;

/** @internal — the core behind `db`, for unipool's own integrations (`unipool/kysely`). */
export function coreOf(db: Database): DatabaseCore {
  return readCore(db);
}

function checkParams(params: unknown): QueryParams | undefined {
  if (params === undefined || Array.isArray(params)) return params as QueryParams | undefined;
  if (typeof params === 'object' && params !== null && Object.getPrototypeOf(params) === Object.prototype) return params as QueryParams;
  throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.query(sql, params): params must be an array or a plain object, got ${params === null ? 'null' : typeof params}`);
}

function statementOf(engine: Engine, sql: unknown, params: unknown): { text: string; values: QueryParams | undefined } {
  if (typeof sql === 'string') return { text: sql, values: checkParams(params) };
  if (isSqlStatement(sql)) {
    if (params !== undefined) throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', 'db.query(db.sql`…`): the values are in the template; pass no second argument');
    if (sqlEngineOf(sql) !== engine) {
      throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.query(db.sql\`…\`): the statement was built by the db.sql of an engine "${sqlEngineOf(sql)}" database, but this database is "${engine}" (placeholders and identifier quoting differ). Build it with this database's db.sql.`);
    }
    return { text: sql.text, values: sql.values };
  }
  throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.query(sql): sql must be a string or a db.sql\`…\` statement, got ${sql === null ? 'null' : typeof sql}`);
}

/**
 * One configured database (`dbs.default`). Outside a transaction each `query()` borrows a
 * connection and gives it back as soon as the statement is done; `atomic()`, `session()`,
 * `stream()` and request scopes hold one for as long as they need it.
 *
 * @example
 * const { rows } = await db.query('SELECT * FROM users WHERE id = $1', [42]);
 */
export class Database {
  readonly #core: DatabaseCore;
  /** The listening connection's owner, created by the first `listen()`. */
  #listener: NotificationListener | undefined = undefined;
  #pgPool: PgPool | undefined;
  #mysqlPool: MysqlPool | undefined;
  /** Statements running inside a release that served their caller (see `#waitThenRun`). */
  #nestedRuns = 0;
  readonly #replica: ReplicaRouter;
  /** Whether `replicas` are configured (stats then list them). */
  readonly #hasReplicas: boolean;
  /**
   * The steps a `QueryCall` shares with `#queryOn`, made once per database; undefined unless the
   * adapter has `queryInto` and the pool engine `acquireWith` (then queries take that path).
   */
  readonly #callSteps: QueryCallSteps | undefined;

  static {
    readCore = (db) => db.#core;
  }

  /**
   * The `QueryCall` steps when a query may take that path now: not while a `unipool:query` tracer
   * listens, whose spans must start in the caller's async context (a `QueryCall` may be sent from
   * inside another caller's release).
   */
  get #directCallSteps(): QueryCallSteps | undefined {
    return queryChannel.hasSubscribers ? undefined : this.#callSteps;
  }

  /** @internal Built by `createDatabases()` only. */
  constructor(core: DatabaseCore, replicas: readonly ReplicaMember[] = []) {
    this.#core = core;
    this.#replica = new ReplicaRouter(this, core, replicas);
    this.#hasReplicas = replicas.length > 0;
    this.#callSteps =
      core.adapter.queryInto !== undefined && core.engine.acquireWith !== undefined
        ? { settle: (conn, result, scope) => this.#settle(conn, result, scope), failed: (conn, error) => this.#failed(conn, error) }
        : undefined;
  }

  /**
   * Reads routed to a healthy read replica (`replicas` in the config), round-robin, falling back to
   * this database when none is healthy; without replicas, this database itself. Inside `atomic()` or
   * `session()` on this database it uses the held connection (read-your-writes).
   * @example const { rows } = await db.replica.query('SELECT * FROM products WHERE id = $1', [42]);
   */
  get replica(): ReplicaReader {
    return this.#replica;
  }

  /** The alias this database was configured under. */
  get alias(): string {
    return this.#core.config.alias;
  }

  get engine(): Engine {
    return this.#core.config.engine;
  }

  /** What this engine supports (the docs' capability matrix). */
  get capabilities(): Capabilities {
    return this.#core.adapter.capabilities;
  }

  /**
   * Runs one statement with the backend's own placeholders (`$1` pg, `?` mysql/sqlite, `:1` oracle),
   * or a `db.sql` template. Resolves `{ rows, rowCount, fields? }`; outside a transaction the
   * connection is already back in the pool when it resolves.
   */
  query<R = Row>(sql: string | SqlStatement, params?: QueryParams): Promise<QueryResult<R>> {
    let text: string;
    let values: QueryParams | undefined;
    if (typeof sql === 'string' && (params === undefined || Array.isArray(params))) {
      text = sql;
      values = params;
    } else {
      try {
        ({ text, values } = statementOf(this.engine, sql, params));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const frame = context.getStore();
    // Not async itself: the promise of the path taken is the caller's (one promise fewer per query).
    return (frame === undefined ? this.#queryOnce(text, values, undefined) : this.#queryInContext(frame, text, values)) as Promise<QueryResult<R>>;
  }

  /**
   * A tagged template compiled to this engine's placeholders; values are always bound, never
   * interpolated. Pass the result to `query()` or `stream()`, or nest it in another `db.sql`
   * template (inlined, values renumbered). `db.sql.join()`, `db.sql.id()` and `db.sql.raw()` compose.
   * @example await db.query(db.sql`SELECT * FROM users WHERE id = ${id}`)
   * @example await db.query(db.sql`SELECT * FROM ${db.sql.id('app.users')} WHERE id IN (${db.sql.join(ids)})`)
   */
  get sql(): SqlTag {
    this.#sql ??= createSqlTag(this.#core.adapter);
    return this.#sql;
  }

  #sql: SqlTag | undefined;

  /**
   * The path of every query outside a transaction. Not async itself: a driver that answers
   * synchronously (better-sqlite3) runs the statement and gets its connection back before this
   * returns, so the caller's promise is the only one and an idle pool never makes anyone wait.
   */
  #queryOnce(text: string, values: QueryParams | undefined, scope: Scope | undefined): Promise<QueryResult> {
    const core = this.#core;
    const conn = core.acquireNow();
    const pipelined = core.pipelined;
    if (conn !== undefined) {
      // A statement known not to change state opens the connection to others like it (pipelining).
      const shared = pipelined?.startIfAccepted(conn, text, values);
      if (shared !== undefined) return shared;
      const done = this.#runOn(conn, text, values, scope);
      return done instanceof Promise ? done : Promise.resolve(done);
    }
    if (pipelined !== undefined) {
      // No idle connection: share one with statements in flight rather than wait, when allowed.
      const joined = pipelined.join(text, values);
      if (joined !== undefined) return joined;
    }
    if (core.adapter.querySync !== undefined && core.engine.acquireWith !== undefined) {
      return new Promise((resolve, reject) => this.#waitThenRun(text, values, scope, resolve, reject));
    }
    const steps = this.#directCallSteps;
    if (steps !== undefined) return new Promise((resolve, reject) => new QueryCall(core, steps, text, values, scope, resolve, reject).acquire());
    return this.#queryOn(undefined, text, values, scope);
  }

  /**
   * Runs the statement on a connection acquired for it: at once when the driver answers
   * synchronously (the result, the connection already back), through `#queryOn` otherwise.
   */
  #runOn(conn: PooledConnection<unknown>, text: string, values: QueryParams | undefined, scope: Scope | undefined): QueryResult | Promise<QueryResult> {
    let result;
    try {
      result = this.#core.sendSync(conn, text, values);
    } catch (error) {
      return this.#failed(conn, error);
    }
    if (result === undefined) {
      const steps = this.#directCallSteps;
      if (steps !== undefined) return new Promise((resolve, reject) => new QueryCall(this.#core, steps, text, values, scope, resolve, reject).run(conn));
      return this.#queryOn(conn, text, values, scope);
    }
    return this.#settle(conn, result, scope);
  }

  /**
   * A synchronous driver's caller waiting for a connection runs its statement inside the release
   * that frees one, and gives it straight back. Handed over through a promise instead, every
   * connection would sit lent to a caller whose continuation has not run yet, so each newcomer
   * would queue too, and a queue once formed (every start-up forms one) would never drain.
   * Nested runs are bounded (each release may serve the next waiter): past the bound, the
   * statement runs on a microtask, the connection held until then.
   */
  #waitThenRun(text: string, values: QueryParams | undefined, scope: Scope | undefined, resolve: (result: QueryResult | Promise<QueryResult>) => void, reject: (error: unknown) => void): void {
    const core = this.#core;
    (core.engine.acquireWith as NonNullable<typeof core.engine.acquireWith>)((lent) => {
      try {
        const conn = core.usable(lent);
        if (conn === undefined) this.#waitThenRun(text, values, scope, resolve, reject);
        else if (this.#nestedRuns >= MAX_NESTED_RUNS) queueMicrotask(() => resolve(this.#runOn(conn, text, values, scope)));
        else {
          this.#nestedRuns += 1;
          try {
            resolve(this.#runOn(conn, text, values, scope));
          } finally {
            this.#nestedRuns -= 1;
          }
        }
      } catch (error) {
        reject(error);
      }
    }, reject);
  }

  /**
   * Runs the statement on a connection acquired for it (`undefined`: wait for one here), then lets
   * the release policy decide what happens to the connection.
   */
  async #queryOn(acquired: PooledConnection<unknown> | undefined, text: string, values: QueryParams | undefined, scope: Scope | undefined): Promise<QueryResult> {
    const core = this.#core;
    let conn = acquired;
    if (conn === undefined) {
      const pipelined = core.pipelined;
      // While it waits, a shared connection may take the statement instead (see PipelinedLeases).
      const mayJoin = pipelined?.mayJoinLater(values) === true;
      while (conn === undefined) {
        const outcome = mayJoin ? await (pipelined as PipelinedLeases).acquireOrJoin(text, values) : await core.engine.acquire();
        if (outcome instanceof JoinedStatement) return outcome.result;
        conn = core.usable(outcome);
      }
      // Waited for: open it to statements that may share it, as `#queryOnce` does with an idle one.
      const shared = pipelined?.startIfAccepted(conn, text, values);
      if (shared !== undefined) return shared;
    }
    let result;
    try {
      result = await core.send(conn, text, values);
    } catch (error) {
      return this.#failed(conn, error);
    }
    return this.#settle(conn, result, scope);
  }

  /** A statement failed on a connection acquired for it: let the policy take the connection back, reject with the error to report. */
  async #failed(conn: PooledConnection<unknown>, error: unknown): Promise<never> {
    const core = this.#core;
    const failure = core.failure(conn, error);
    await core.policy.release(conn, 'statement');
    throw failure;
  }

  /**
   * After a statement on a connection acquired for it, the release policy decides. Giving a clean
   * connection back is synchronous — the common case costs no promise of its own.
   */
  #settle(conn: PooledConnection<unknown>, result: AdapterResult, scope: Scope | undefined): QueryResult | Promise<QueryResult> {
    const core = this.#core;
    core.noteResult(conn, result);
    const decision = core.policy.decide(conn, scope === undefined ? 'statement' : 'statement-in-scope');
    if (decision === 'give-back') {
      core.policy.apply(conn, decision);
      return result;
    }
    return this.#settleSlowly(conn, decision, result, scope);
  }

  /** The rest of the policy's answers: hold for the scope (a manual BEGIN), or clean up first and maybe throw. */
  async #settleSlowly(conn: PooledConnection<unknown>, decision: ReleaseDecision, result: AdapterResult, scope: Scope | undefined): Promise<QueryResult> {
    const core = this.#core;
    if (decision === 'hold') {
      // A manual BEGIN inside a scope: hold the connection until the driver reports idle again.
      (scope as Scope).holders.set(core, new Holder(conn, 'scope'));
      return publicResult(result);
    }
    await core.policy.apply(conn, decision);
    if (decision === 'roll-back') {
      throw new TransactionError('UNIPOOL_TX_OUTSIDE_SCOPE', `unipool: pool "${this.alias}": the statement left a transaction open outside any scope, so the next query could not reach the same connection; it was rolled back. Use db.atomic(async () => { … }) for transactions, or run the code inside dbs.scope()/dbs.middleware().`);
    }
    const change = result.sessionState;
    if (change?.outsideSession === 'error') {
      throw new UnipoolError('UNIPOOL_SESSION_STATE_OUTSIDE_SESSION', `unipool: pool "${this.alias}": the statement changed session state (${change.statement}), but outside db.session() the next query may run on another connection, so the connection was reset. Run it inside db.session(async () => { … }), or set it in the connection options.`);
    }
    return publicResult(result);
  }

  async #queryInContext(frame: Frame, text: string, values: QueryParams | undefined): Promise<QueryResult> {
    const core = this.#core;
    const scope = frame.scope !== undefined && !frame.scope.ended ? frame.scope : undefined;
    let holder = findHeld(core, frame)?.holder;
    if (holder === undefined && scope !== undefined && core.config.release === 'request') holder = await this.#requestHolder(scope);
    if (holder === undefined) return this.#queryOnce(text, values, scope);

    holder.assertHeld();
    holder.assertNotStreaming();
    const conn = holder.conn;
    // Counted in flight (holder.settle() waits for it) without a promise of its own: every
    // statement in a transaction passes here.
    let result;
    holder.enter();
    try {
      result = await core.send(conn, text, values);
    } catch (error) {
      throw core.failure(conn, error);
    } finally {
      holder.leave();
    }
    core.noteResult(conn, result);
    if (holder.kind === 'scope' && core.config.release === 'asap' && holder.atomic === undefined && scope?.holders.get(core) === holder) {
      const decision = core.policy.decide(conn, 'scope-statement');
      if (decision !== 'hold') {
        // The manual transaction that pinned this connection to the scope has ended.
        scope.holders.delete(core);
        if (holder.busy) await holder.settle();
        holder.markEnded();
        await core.policy.apply(conn, decision);
      }
    }
    return publicResult(result);
  }

  /** `release: 'request'`: the scope's connection, acquired by its first statement. */
  #requestHolder(scope: Scope): Promise<Holder> {
    const core = this.#core;
    let pending = scope.pending.get(core);
    if (pending === undefined) {
      pending = core.acquire().then((conn) => {
        const holder = new Holder(conn, 'scope');
        scope.holders.set(core, holder);
        scope.pending.delete(core);
        return holder;
      });
      pending.catch(() => scope.pending.delete(core));
      scope.pending.set(core, pending);
    }
    return pending;
  }

  /**
   * Runs `fn` in a transaction on one connection: BEGIN … COMMIT, or a savepoint when nested. A throw
   * rolls back and re-throws. Queries inside find the connection through AsyncLocalStorage.
   */
  atomic<T>(fn: () => T | Promise<T>): Promise<T>;
  atomic<T>(options: AtomicOptions, fn: () => T | Promise<T>): Promise<T>;
  atomic<T>(optionsOrFn: AtomicOptions | (() => T | Promise<T>), maybeFn?: () => T | Promise<T>): Promise<T> {
    const [options, fn] = typeof optionsOrFn === 'function' ? [NO_OPTIONS, optionsOrFn] : [optionsOrFn, maybeFn];
    if (typeof fn !== 'function') return Promise.reject(new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.atomic(): expected a function, got ${fn === null ? 'null' : typeof fn}`));
    return runAtomic(this.#core, options, fn);
  }

  /**
   * Runs `callback` after the outermost transaction commits (after its connection is released), in
   * registration order; dropped if the transaction or the savepoint it was registered in rolls back.
   * Outside a transaction it runs at once. Errors it throws are reported, never re-thrown.
   */
  onCommit(callback: CommitCallback): void {
    if (typeof callback !== 'function') throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.onCommit(): expected a function, got ${callback === null ? 'null' : typeof callback}`);
    const block = findHeld(this.#core, context.getStore())?.block;
    if (block !== undefined) block.onCommit.push(callback);
    else this.#core.runCallback(callback, 'an onCommit callback');
  }

  /**
   * Rows one at a time through a server-side cursor (where the engine has one). The connection is
   * held until the loop ends, breaks or throws. A `db.sql` template carries its values, so its
   * options come second.
   * @example for await (const row of db.stream('SELECT * FROM big', [], { batchSize: 500 })) { … }
   * @example for await (const row of db.stream(db.sql`SELECT * FROM big WHERE kind = ${kind}`, { batchSize: 500 })) { … }
   */
  stream<R = Row>(sql: SqlStatement, options?: StreamOptions): AsyncIterable<R>;
  stream<R = Row>(sql: string | SqlStatement, params?: QueryParams, options?: StreamOptions): AsyncIterable<R>;
  stream<R = Row>(sql: string | SqlStatement, paramsOrOptions?: QueryParams | StreamOptions, options?: StreamOptions): AsyncIterable<R> {
    // A template has no params argument, so a second argument after one is its options
    // (`db.stream(db.sql`…`, undefined, options)` keeps working too).
    if (isSqlStatement(sql) && paramsOrOptions !== undefined && options === undefined && !Array.isArray(paramsOrOptions)) {
      const { text, values } = statementOf(this.engine, sql, undefined);
      return streamRows(this.#core, text, values, paramsOrOptions as StreamOptions) as AsyncIterable<R>;
    }
    const { text, values } = statementOf(this.engine, sql, paramsOrOptions);
    return streamRows(this.#core, text, values, options) as AsyncIterable<R>;
  }

  /**
   * Pins one connection for session state (`SET`, `LISTEN`, advisory locks, temp tables…). The state
   * is reset before the connection is reused. Nested inside another holder, it reuses that connection.
   */
  async session<T>(fn: () => T | Promise<T>): Promise<T> {
    if (typeof fn !== 'function') throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.session(): expected a function, got ${fn === null ? 'null' : typeof fn}`);
    const core = this.#core;
    const frame = context.getStore();
    const held = findHeld(core, frame);
    if (held !== undefined) {
      held.holder.assertHeld();
      return fn();
    }
    const holder = new Holder(await core.acquire(), 'session');
    try {
      return await context.run(frameWith(frame, core, { holder, block: undefined }), fn);
    } finally {
      await holder.settle();
      holder.markEnded();
      await core.policy.release(holder.conn, 'session-ended');
    }
  }

  /**
   * Calls `onPayload` with the payload of every notification sent to `channel` (PostgreSQL
   * `LISTEN`; other engines reject with `UNIPOOL_UNSUPPORTED`). Resolves once the server sends the
   * channel to this process, to a function that unsubscribes. All channels of a database share one
   * dedicated connection outside the pool (not counted in `max`), opened again with backoff after
   * a drop; `options.onGap` then runs, because notifications sent meanwhile were missed. The channel
   * is an identifier, quoted as such: `'Orders'` and `'orders'` are different channels.
   * @example const unlisten = await db.listen('orders', (payload) => console.log(JSON.parse(payload)), { onGap: reloadOrders });
   */
  async listen(channel: string, onPayload: (payload: string) => unknown, options?: ListenOptions): Promise<Unlisten> {
    return this.#notifications('db.listen()').listen(channel, onPayload, options);
  }

  /**
   * Sends `payload` (a string, default empty) to every listener of `channel` (PostgreSQL
   * `pg_notify()`). Inside `atomic()` it is delivered when the transaction commits, and not at all
   * if it rolls back. Other engines reject with `UNIPOOL_UNSUPPORTED`.
   * @example await db.notify('orders', JSON.stringify({ id: 42 }));
   */
  async notify(channel: string, payload = ''): Promise<void> {
    const listener: NotificationListener = this.#notifications('db.notify()');
    listener.checkChannel('db.notify()', channel);
    if (typeof payload !== 'string') throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.notify(channel, payload): payload must be a string (JSON.stringify an object), got ${payload === null ? 'null' : typeof payload}`);
    const { text, values } = this.#core.adapter.notifications!.notifyStatement(channel, payload);
    await this.query(text, values);
  }

  #notifications(where: string): NotificationListener {
    const support = this.#core.adapter.notifications;
    if (support === undefined) {
      throw new UnipoolError('UNIPOOL_UNSUPPORTED', `${where}: engine "${this.engine}" has no server notifications (capabilities.notifications is false); only PostgreSQL supports LISTEN/NOTIFY.`);
    }
    this.#listener ??= new NotificationListener(this.#core, support);
    return this.#listener;
  }

  /**
   * This database as a `pg.Pool` (engine `postgres`), for libraries that take one: Drizzle, Prisma's
   * `PrismaPg`, Kysely's `PostgresDialect`, knex's `connectionPool`, connect-pg-simple. A real
   * subclass of the application's `pg.Pool`; the same object on every call; its queries follow
   * unipool's release policy and join `atomic()`/`session()`. `UNIPOOL_UNSUPPORTED` on other engines.
   * @example const pool = db.pgPool<pg.Pool>(); const orm = drizzle({ client: pool });
   */
  pgPool<Pool extends object = PgPool>(): Pool {
    this.#pgPool ??= createPgPool(this.#core);
    return this.#pgPool as unknown as Pool;
  }

  /**
   * mysql2's Pool interface over this database (engine `mysql`), for Drizzle, Kysely's
   * `MysqlDialect` and knex; the same object on every call. Other engines: `UNIPOOL_UNSUPPORTED`.
   * unipool does not depend on mysql2's types: name the type a library asks for as `P` (a
   * type-level assertion only — the object implements what those libraries call).
   * @example drizzle({ client: db.mysqlPool<import('mysql2').Pool>() })
   */
  mysqlPool<P = MysqlPool>(): P {
    this.#mysqlPool ??= createMysqlPool(this.#core);
    return this.#mysqlPool as P;
  }

  /** Counters, gauges and latency summaries of this pool (`role: 'primary'`), and of each replica's pool under `replicas`. */
  stats(): PoolStats {
    const stats = this.#core.engine.stats();
    return this.#hasReplicas ? { ...stats, replicas: this.#replica.stats() } : stats;
  }

  /** @internal The replicas' databases, each with its own pool (for metrics). */
  replicaDatabases(): readonly Database[] {
    return this.#replica.databases;
  }

  /** @internal Releases what `scope` holds for this database (called by the scope's end). */
  async endScope(scope: Scope): Promise<void> {
    // A replica read inside the scope may hold a replica connection too (release: 'request', or a manual BEGIN).
    if (this.#hasReplicas) await Promise.all(this.#replica.databases.map((replica) => replica.endScope(scope)));
    const core = this.#core;
    await scope.pending.get(core)?.catch(() => undefined);
    const holder = scope.holders.get(core);
    if (holder === undefined) return;
    // Released before the wait: a statement the request starts from now on (its scope has ended)
    // fails with UNIPOOL_TX_ENDED. Left usable until the statements in flight settle, it would run
    // on this connection (a COMMIT would commit what the scope's end is about to roll back), and
    // once `scope.ended` hides it from findHeld(), on another connection in autocommit.
    holder.markEnded();
    await holder.settle();
    const decision = core.policy.decide(holder.conn, 'ended');
    if (decision === 'roll-back') {
      // Kept (ended) in the scope: code still running for this request (a client that aborted
      // ends the scope early) must not run its next statement outside the transaction it began.
      core.logger.warn(`unipool: pool "${this.alias}": a scope ended inside a manual transaction; it was rolled back`);
    } else {
      scope.holders.delete(core);
    }
    await core.policy.apply(holder.conn, decision);
  }

  /** @internal Closes this pool; users call `dbs.close()`, which closes every pool once. */
  close(options?: { timeoutMs?: number }): Promise<void> {
    const own = this.#core.engine.close(options);
    const closing = this.#hasReplicas ? Promise.all([own, ...this.#replica.databases.map((replica) => replica.close(options))]).then(() => undefined) : own;
    // The listening connection is outside the pool: closed after it, so a close() rejected for its
    // arguments (which changes nothing) leaves the listener running too.
    return this.#listener === undefined ? closing : closing.then(() => this.#listener?.close());
  }
}
