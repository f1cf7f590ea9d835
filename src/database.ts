import type { AdapterResult, Capabilities, Engine, QueryParams, QueryResult, Row } from './adapter.js';
import type { PooledConnection } from './pool/pool-engine.js';
import { publicResult, type DatabaseCore } from './database-core.js';
import { TransactionError, UnipoolError } from './errors.js';
import type { PoolStats } from './metrics/pool-stats.js';
import { compileSql, isSqlStatement, type SqlStatement } from './sql-template.js';
import type { CommitCallback } from './transaction/atomic-block.js';
import { context, frameWith, type Frame, type Scope } from './transaction/context.js';
import { findHeld } from './transaction/find-held.js';
import { Holder } from './transaction/holder.js';
import { runAtomic, type AtomicOptions } from './transaction/run-atomic.js';
import { streamRows, type StreamOptions } from './transaction/stream-rows.js';

const NO_OPTIONS: AtomicOptions = Object.freeze({});
/** How many waiting callers one release may serve synchronously, each inside the previous one's stack. */
const MAX_NESTED_RUNS = 32;

function checkParams(params: unknown): QueryParams | undefined {
  if (params === undefined || Array.isArray(params)) return params as QueryParams | undefined;
  if (typeof params === 'object' && params !== null && Object.getPrototypeOf(params) === Object.prototype) return params as QueryParams;
  throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.query(sql, params): params must be an array or a plain object, got ${params === null ? 'null' : typeof params}`);
}

function statementOf(sql: unknown, params: unknown): { text: string; values: QueryParams | undefined } {
  if (typeof sql === 'string') return { text: sql, values: checkParams(params) };
  if (isSqlStatement(sql)) {
    if (params !== undefined) throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', 'db.query(db.sql`…`): the values are in the template; pass no second argument');
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
  /** Statements running inside a release that served their caller (see `#waitThenRun`). */
  #nestedRuns = 0;

  /** @internal — use `createDatabases()`. */
  constructor(core: DatabaseCore) {
    this.#core = core;
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
        ({ text, values } = statementOf(sql, params));
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
   * interpolated. Pass the result to `query()` or `stream()`.
   * @example await db.query(db.sql`SELECT * FROM users WHERE id = ${id}`)
   */
  readonly sql = (strings: TemplateStringsArray, ...values: unknown[]): SqlStatement => compileSql(this.#core.adapter, strings, values);

  /**
   * The path of every query outside a transaction. Not async itself: a driver that answers
   * synchronously (better-sqlite3) runs the statement and gets its connection back before this
   * returns, so the caller's promise is the only one and an idle pool never makes anyone wait.
   */
  #queryOnce(text: string, values: QueryParams | undefined, scope: Scope | undefined): Promise<QueryResult> {
    const core = this.#core;
    const conn = core.acquireNow();
    if (conn !== undefined) {
      const done = this.#runOn(conn, text, values, scope);
      return done instanceof Promise ? done : Promise.resolve(done);
    }
    if (core.adapter.querySync !== undefined && core.engine.acquireWith !== undefined) {
      return new Promise((resolve, reject) => this.#waitThenRun(text, values, scope, resolve, reject));
    }
    return this.#queryOn(undefined, text, values, scope);
  }

  /**
   * Runs the statement on a connection acquired for it: at once when the driver answers
   * synchronously (the result, the connection already back), through `#queryOn` otherwise.
   */
  #runOn(conn: PooledConnection<unknown>, text: string, values: QueryParams | undefined, scope: Scope | undefined): QueryResult | Promise<QueryResult> {
    const core = this.#core;
    let result;
    try {
      result = core.sendSync(conn, text, values);
    } catch (error) {
      return this.#failed(conn, error);
    }
    if (result === undefined) return this.#queryOn(conn, text, values, scope);
    if (result.sessionState === undefined && core.adapter.transactionState(conn.raw) === 'idle') {
      const back = core.giveBack(conn);
      return back === undefined ? result : back.then(() => result);
    }
    core.noteResult(conn, result);
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
   * Runs the statement on a connection acquired for it (`undefined`: wait for one here), then gives
   * the connection back (or holds it for `scope`).
   */
  async #queryOn(acquired: PooledConnection<unknown> | undefined, text: string, values: QueryParams | undefined, scope: Scope | undefined): Promise<QueryResult> {
    const core = this.#core;
    let conn = acquired;
    while (conn === undefined) conn = core.usable(await core.engine.acquire());
    let result;
    try {
      result = await core.send(conn, text, values);
    } catch (error) {
      return this.#failed(conn, error);
    }
    // The common case without another async layer (each costs a promise and microtask hops).
    if (result.sessionState === undefined && core.adapter.transactionState(conn.raw) === 'idle') {
      const back = core.giveBack(conn);
      if (back !== undefined) await back;
      return result;
    }
    core.noteResult(conn, result);
    return this.#settle(conn, result, scope);
  }

  /** A statement failed on a connection acquired for it: give the connection back, reject with the error to report. */
  async #failed(conn: PooledConnection<unknown>, error: unknown): Promise<never> {
    const core = this.#core;
    const failure = core.failure(conn, error);
    await core.giveBack(conn);
    throw failure;
  }

  /** What follows a statement run on a connection acquired for it: release, hold for the scope, or clean up and throw. */
  async #settle(conn: PooledConnection<unknown>, result: AdapterResult, scope: Scope | undefined): Promise<QueryResult> {
    const core = this.#core;
    if (core.adapter.transactionState(conn.raw) !== 'idle') {
      if (scope !== undefined) {
        // A manual BEGIN inside a scope: hold the connection until the driver reports idle again.
        scope.holders.set(core, new Holder(conn, 'scope'));
        return publicResult(result);
      }
      await core.giveBack(conn);
      throw new TransactionError('UNIPOOL_TX_OUTSIDE_SCOPE', `unipool: pool "${this.alias}": the statement left a transaction open outside any scope, so the next query could not reach the same connection; it was rolled back. Use db.atomic(async () => { … }) for transactions, or run the code inside dbs.scope()/dbs.middleware().`);
    }
    const change = result.sessionState;
    if (change === undefined) {
      core.giveBack(conn);
      return result;
    }
    await core.giveBack(conn);
    if (change.outsideSession === 'error') {
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
    if (holder.kind === 'scope' && core.config.release === 'asap' && holder.atomic === undefined && core.adapter.transactionState(holder.conn.raw) === 'idle' && scope?.holders.get(core) === holder) {
      // The manual transaction that pinned this connection to the scope has ended.
      scope.holders.delete(core);
      if (holder.busy) await holder.settle();
      holder.markReleased();
      await core.giveBack(holder.conn);
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
   * held until the loop ends, breaks or throws.
   * @example for await (const row of db.stream('SELECT * FROM big', [], { batchSize: 500 })) { … }
   */
  stream<R = Row>(sql: string | SqlStatement, params?: QueryParams, options?: StreamOptions): AsyncIterable<R> {
    const { text, values } = statementOf(sql, params);
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
      holder.markReleased();
      await core.giveBack(holder.conn, true);
    }
  }

  /** Counters, gauges and latency summaries of this pool. */
  stats(): PoolStats {
    return this.#core.engine.stats();
  }

  /** @internal — releases what `scope` holds for this database. */
  async endScope(scope: Scope): Promise<void> {
    const core = this.#core;
    await scope.pending.get(core)?.catch(() => undefined);
    const holder = scope.holders.get(core);
    if (holder === undefined) return;
    // Released before the wait: a statement the request starts from now on (its scope has ended)
    // fails with UNIPOOL_TX_ENDED. Left usable until the statements in flight settle, it would run
    // on this connection (a COMMIT would commit what the scope's end is about to roll back), and
    // once `scope.ended` hides it from findHeld(), on another connection in autocommit.
    holder.markReleased();
    await holder.settle();
    if (core.adapter.transactionState(holder.conn.raw) !== 'idle') {
      // Kept (released) in the scope: code still running for this request (a client that aborted
      // ends the scope early) must not run its next statement outside the transaction it began.
      core.logger.warn(`unipool: pool "${this.alias}": a scope ended inside a manual transaction; it was rolled back`);
    } else {
      scope.holders.delete(core);
    }
    await core.giveBack(holder.conn);
  }

  /** @internal */
  close(options?: { timeoutMs?: number }): Promise<void> {
    return this.#core.engine.close(options);
  }
}
