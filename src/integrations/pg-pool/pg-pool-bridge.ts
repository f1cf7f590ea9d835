import { runQueryConfig, SessionChangingResult, submitInTurn, type PgConnection, type PgNativeResult, type PgSubmittable } from '../../../adapters/postgres/index.js';
import type { DatabaseCore } from '../../database-core.js';
import { TransactionError, UnipoolError } from '../../errors.js';
import type { PooledConnection } from '../../pool/pool-engine.js';
import { context } from '../../transaction/context.js';
import { findHeld } from '../../transaction/find-held.js';
import type { Holder } from '../../transaction/holder.js';
import { endsTransaction } from '../transaction-control.js';

/** A query as `pg.Pool#query()` / `client.query()` take it: SQL text or a config object. */
export type PgQueryInput = string | { readonly text: string };

/** The live numbers pg.Pool exposes. */
export interface PgPoolNumbers {
  readonly size: number;
  readonly idle: number;
  readonly waiting: number;
}

/**
 * The one place where `db.pgPool()` meets the database core: borrowing, running a statement,
 * handing back, and what happens to a connection in between. Everything else in the integration is
 * pg's interface. Outside a held connection a query borrows, runs and gives back like `db.query()`
 * (so the same rules apply: a transaction left open is rolled back and reported, session state is
 * reset); inside `atomic()`/`session()` it joins the held connection.
 * @internal
 */
export class PgPoolBridge {
  readonly #core: DatabaseCore;

  constructor(core: DatabaseCore) {
    this.#core = core;
  }

  get alias(): string {
    return this.#core.config.alias;
  }

  get max(): number {
    return this.#core.config.pool.max;
  }

  /** The database's pool is closing or closed (`dbs.close()`). */
  get closed(): boolean {
    return this.#core.engine.closed;
  }

  numbers(): PgPoolNumbers {
    const { size, idle, waiting } = this.#core.engine.stats();
    return { size, idle, waiting };
  }

  /** The connection the caller's context holds (`atomic()`, `session()`, a scope), if any. */
  held(): Holder | undefined {
    const frame = context.getStore();
    return frame === undefined ? undefined : findHeld(this.#core, frame)?.holder;
  }

  /** `pool.query()`: on the held connection, or on one borrowed for this statement only. */
  query(query: PgQueryInput, values: unknown[] | undefined): Promise<PgNativeResult> {
    if (context.getStore() !== undefined) {
      const holder = this.held();
      if (holder !== undefined) return this.runHeld(holder, query, values);
    }
    return this.#queryOnce(query, values);
  }

  async #queryOnce(query: PgQueryInput, values: unknown[] | undefined): Promise<PgNativeResult> {
    const core = this.#core;
    // The same shape as db.query()'s own path: no promise for an idle connection, one for the
    // statement, the give-back synchronous when the connection is clean.
    const conn = core.acquireNow() ?? (await core.acquire());
    let outcome;
    try {
      outcome = await runQueryConfig(conn.raw as PgConnection, query, values);
    } catch (error) {
      const failure = core.failure(conn, error);
      await core.giveBack(conn);
      throw failure;
    }
    if (core.adapter.transactionState(conn.raw) !== 'idle') {
      await core.giveBack(conn);
      throw new TransactionError('UNIPOOL_TX_OUTSIDE_SCOPE', `unipool: pool "${this.alias}": a statement sent through pgPool().query() left a transaction open, but the pool's next query may run on another connection; it was rolled back. Use pgPool().connect() (the library's transaction API) or db.atomic(async () => { … }).`);
    }
    if (!(outcome instanceof SessionChangingResult)) {
      core.giveBack(conn);
      return outcome;
    }
    conn.dirty = true;
    await core.giveBack(conn);
    if (outcome.sessionState.outsideSession === 'error') {
      throw new UnipoolError('UNIPOOL_SESSION_STATE_OUTSIDE_SESSION', `unipool: pool "${this.alias}": a statement sent through pgPool().query() changed session state (${outcome.sessionState.statement}), but the pool's next query may run on another connection, so the connection was reset. Use pgPool().connect() and release the client when done, or run it inside db.session(async () => { … }), or set it in the connection options.`);
    }
    return outcome.result;
  }

  /**
   * A statement on a held connection (joined by `pool.query()` or a joined client). Unless `ownsTransaction`
   * (a joined client ending the real BEGIN it sent itself), nothing may end the transaction the
   * holder is in.
   */
  async runHeld(holder: Holder, query: PgQueryInput, values: unknown[] | undefined, ownsTransaction = false): Promise<PgNativeResult> {
    holder.assertHeld();
    holder.assertNotStreaming();
    const conn = holder.conn;
    if (!ownsTransaction && this.#core.adapter.transactionState(conn.raw) !== 'idle' && endsTransaction(typeof query === 'string' ? query : query.text)) {
      throw new UnipoolError('UNIPOOL_UNSUPPORTED', `unipool: pool "${this.alias}": a statement that ends the transaction was sent through pgPool() inside the transaction that db.atomic() (or a manual BEGIN) holds; it would end that transaction early, so it was not run. Let the surrounding block commit or roll back, or use the client's BEGIN … COMMIT (those become a savepoint).`);
    }
    holder.enter();
    try {
      return this.#settle(conn, await runQueryConfig(conn.raw as PgConnection, query, values));
    } catch (error) {
      throw this.#core.failure(conn, error);
    } finally {
      holder.leave();
    }
  }

  /** An idle connection for `pool.connect()` at once (no promise), or undefined — then `borrow()`. */
  borrowNow(): PooledConnection<unknown> | undefined {
    return this.#core.acquireNow();
  }

  /**
   * A connection for `pool.connect()`, waiting for one: checked out until the client is released.
   * Callback-style, so that the one promise `connect()` returns is the only one (with Kysely and
   * knex connecting for every query under load, nearly every connect() waits here).
   */
  borrowWith(use: (conn: PooledConnection<unknown>) => void, fail: (error: unknown) => void): void {
    const core = this.#core;
    const engine = core.engine;
    if (engine.acquireWith === undefined) {
      core.acquire().then(use, fail);
      return;
    }
    engine.acquireWith((lent) => {
      const conn = core.usable(lent);
      // Not usable (it was destroyed): wait for another.
      if (conn === undefined) this.borrowWith(use, fail);
      else use(conn);
    }, fail);
  }

  /**
   * A statement on a connection lent to one client. One `then` rather than an async function: no
   * promise of its own beyond the one the result needs (Kysely's every query passes here).
   */
  run(conn: PooledConnection<unknown>, query: PgQueryInput, values: unknown[] | undefined): Promise<PgNativeResult> {
    return runQueryConfig(conn.raw as PgConnection, query, values).then(
      (outcome) => this.#settle(conn, outcome),
      (error: unknown) => {
        throw this.#core.failure(conn, error);
      },
    );
  }

  /**
   * A submittable (`pg-cursor`, `pg-query-stream`) on a connection lent to one client: it runs in
   * the connection's turn until it is finished; session state it set is reset before reuse. A
   * client released while one is still open gives back a connection that is not usable as it is,
   * and the pool destroys it (the cursor then fails).
   */
  submit(conn: PooledConnection<unknown>, submittable: PgSubmittable): void {
    submitInTurn(conn.raw as PgConnection, submittable, (changedSession) => {
      if (changedSession) conn.dirty = true;
    });
  }

  #settle(conn: PooledConnection<unknown>, outcome: PgNativeResult | SessionChangingResult): PgNativeResult {
    if (!(outcome instanceof SessionChangingResult)) return outcome;
    // On a connection the caller keeps, session state is legitimate; it is reset before reuse.
    conn.dirty = true;
    return outcome.result;
  }

  /** True when the held or lent connection is inside a transaction (the server's status). */
  inTransaction(conn: PooledConnection<unknown>): boolean {
    return this.#core.adapter.transactionState(conn.raw) !== 'idle';
  }

  /**
   * A lent connection comes back: rolled back and reset when needed (never handed on dirty), or
   * destroyed when the library says it is bad (`release(err)`, as pg does).
   */
  giveBack(conn: PooledConnection<unknown>, destroy: boolean): void {
    const core = this.#core;
    if (destroy) {
      core.engine.destroy(conn, 'broken');
      return;
    }
    // Synchronous for a clean connection; a promise only when it must be rolled back or reset.
    const cleaning = core.giveBack(conn);
    if (cleaning !== undefined) {
      cleaning.catch((error: unknown) => {
        core.logger.warn(`unipool: pool "${this.alias}": giving back a pgPool() client failed: ${(error as Error)?.message ?? String(error)}`);
      });
    }
  }

  /** Runs a listener or callback of the library's; its errors are reported, never thrown into the pool. */
  runCallback(callback: () => unknown, what: string): void {
    this.#core.runCallback(callback, what);
  }
}
