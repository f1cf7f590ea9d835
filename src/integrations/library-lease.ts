import type { BeginOptions, QueryParams, QueryResult, Row } from '../adapter.js';
import { publicResult, type DatabaseCore } from '../database-core.js';
import { UnipoolError } from '../errors.js';
import type { PooledConnection } from '../pool/pool-engine.js';
import { context } from '../transaction/context.js';
import { findHeld } from '../transaction/find-held.js';
import type { Holder } from '../transaction/holder.js';
import { NestedTransactionRewriter } from './nested-transaction-rewriter.js';

/**
 * Per held connection, the savepoints library transactions joined to it have open, innermost last
 * (see NestedTransactionRewriter): shared by every integration (mysqlPool(), pgPool() clients, the
 * Kysely dialect), so overlapping ones are caught whichever libraries they come from.
 */
const librarySavepoints = new WeakMap<Holder, string[]>();

/** The savepoints library transactions have open on `holder`'s connection (created empty on first use). */
export function savepointsOf(holder: Holder): string[] {
  let stack = librarySavepoints.get(holder);
  if (stack === undefined) librarySavepoints.set(holder, (stack = []));
  return stack;
}

/** A lease's life: lent to the library, then released (every later use throws). */
type LeaseState = 'lent' | 'released';

/**
 * One connection lent to a library (`db.mysqlPool().getConnection()`, a Kysely connection) until it
 * calls `release()`. Outside any holder it is a pooled connection of its own — counted in
 * `stats()`, watched by leak detection, rolled back and reset on release when the library left it
 * in a transaction or changed session state. Inside `db.atomic()`/`db.session()`/a scope's manual
 * transaction it *joins* the held connection: its release gives nothing back, and the library's
 * BEGIN/COMMIT/ROLLBACK there become savepoints (`NestedTransactionRewriter`).
 */
export class LibraryLease {
  readonly conn: PooledConnection<unknown>;
  readonly #core: DatabaseCore;
  /** The holder whose connection this lease shares; undefined for a connection of its own. */
  readonly #holder: Holder | undefined;
  /** What the library sees, for messages: `db.mysqlPool() connection`. */
  readonly #what: string;
  readonly #rewriter: NestedTransactionRewriter;
  #state: LeaseState = 'lent';
  /** Statements started on the lease and not settled yet. */
  #inFlight = 0;
  #ownSavepoint = 0;

  private constructor(core: DatabaseCore, conn: PooledConnection<unknown>, holder: Holder | undefined, what: string) {
    this.#core = core;
    this.conn = conn;
    this.#holder = holder;
    this.#what = what;
    this.#rewriter = holder === undefined ? new NestedTransactionRewriter(() => `unipool_lib_sp_${++this.#ownSavepoint}`) : new NestedTransactionRewriter(() => holder.nextSavepointName(), savepointsOf(holder));
  }

  /** A lease on the connection the current context holds for `core`, or on a newly acquired one. */
  static lend(core: DatabaseCore, what: string): Promise<LibraryLease> | LibraryLease {
    const held = findHeld(core, context.getStore());
    if (held !== undefined) {
      held.holder.assertHeld();
      held.holder.assertNotStreaming();
      return new LibraryLease(core, held.holder.conn, held.holder, what);
    }
    const conn = core.acquireNow();
    if (conn !== undefined) return new LibraryLease(core, conn, undefined, what);
    return core.acquire().then((acquired) => new LibraryLease(core, acquired, undefined, what));
  }

  /** The lease shares a connection held by `atomic()`/`session()`/a scope. */
  get joined(): boolean {
    return this.#holder !== undefined;
  }

  get released(): boolean {
    return this.#state === 'released';
  }

  /** The driver reports a transaction open on the connection. */
  get inTransaction(): boolean {
    return this.#core.adapter.transactionState(this.conn.raw) !== 'idle';
  }

  /** The driver's connection object. */
  get raw(): unknown {
    return this.conn.raw;
  }

  /** Throws `UNIPOOL_LEASE_RELEASED` after `release()`, `UNIPOOL_TX_ENDED` when the holder it joined has ended. */
  assertUsable(): void {
    if (this.#state === 'released') {
      throw new UnipoolError(
        'UNIPOOL_LEASE_RELEASED',
        `unipool: pool "${this.#core.config.alias}": a ${this.#what} was used after release() — it may already serve another caller; get a new one (getConnection()) instead`,
      );
    }
    this.#holder?.assertHeld();
    this.#holder?.assertNotStreaming();
  }

  /** The statement to send for the library's `sql` (its own BEGIN/COMMIT/ROLLBACK may become savepoints). */
  statement(sql: string): string {
    return this.#rewriter.rewrite(sql, this.inTransaction, this.#holder !== undefined);
  }

  /** A statement starts; call `leave()` once when it settles. The holder it joined waits for it too. */
  enter(): void {
    this.#inFlight += 1;
    this.#holder?.enter();
  }

  leave(): void {
    this.#inFlight -= 1;
    this.#holder?.leave();
  }

  /** The statement changed session state: the connection is reset before it is reused. */
  noteSessionChange(): void {
    this.conn.dirty = true;
  }

  /** Runs one statement through the adapter (engines whose library talks to unipool, not to the driver). */
  async query(sql: string, params: QueryParams | undefined): Promise<QueryResult> {
    this.assertUsable();
    const text = this.statement(sql);
    const core = this.#core;
    let result;
    this.enter();
    try {
      result = await core.send(this.conn, text, params);
    } catch (error) {
      throw core.failure(this.conn, error);
    } finally {
      this.leave();
    }
    core.noteResult(this.conn, result);
    return publicResult(result);
  }

  /**
   * The library begins a transaction (Kysely's `transaction()`): the adapter's BEGIN — with its
   * isolation level, and on SQLite its write-lock queue — or a savepoint when the connection is
   * already in one (inside `db.atomic()`).
   */
  begin(options: BeginOptions): Promise<void> {
    return this.#control(() => {
      const what = options.isolation === undefined && options.readOnly === undefined ? 'BEGIN' : `BEGIN with ${JSON.stringify(options)}`;
      const savepoint = this.#rewriter.begin(this.inTransaction, what !== 'BEGIN', what);
      return savepoint === undefined ? this.#core.adapter.begin(this.conn.raw, options) : this.#core.adapter.savepoint(this.conn.raw, savepoint);
    });
  }

  /** COMMIT, or RELEASE SAVEPOINT when `begin()` opened one. */
  commit(): Promise<void> {
    return this.#control(() => {
      const savepoint = this.#rewriter.end('commit', this.inTransaction, this.joined);
      return savepoint === undefined ? this.#core.adapter.commit(this.conn.raw) : this.#core.adapter.releaseSavepoint(this.conn.raw, savepoint);
    });
  }

  /** ROLLBACK, or ROLLBACK TO SAVEPOINT when `begin()` opened one. */
  rollback(): Promise<void> {
    return this.#control(() => {
      const savepoint = this.#rewriter.end('rollback', this.inTransaction, this.joined);
      return savepoint === undefined ? this.#core.adapter.rollback(this.conn.raw) : this.#core.adapter.rollbackToSavepoint(this.conn.raw, savepoint);
    });
  }

  /** A savepoint the library names itself (Kysely's controlled transactions). */
  savepoint(name: string): Promise<void> {
    return this.#control(() => this.#core.adapter.savepoint(this.conn.raw, name));
  }

  releaseSavepoint(name: string): Promise<void> {
    return this.#control(() => this.#core.adapter.releaseSavepoint(this.conn.raw, name));
  }

  rollbackToSavepoint(name: string): Promise<void> {
    return this.#control(() => this.#core.adapter.rollbackToSavepoint(this.conn.raw, name));
  }

  async #control(operation: () => Promise<void>): Promise<void> {
    this.assertUsable();
    this.enter();
    try {
      await operation();
    } catch (error) {
      throw this.#core.failure(this.conn, error);
    } finally {
      this.leave();
    }
  }

  /**
   * Rows through the engine's cursor (the one `db.stream()` uses), on this lease's connection;
   * counted in flight until the loop ends, so a release mid-loop destroys the connection.
   */
  async *stream(sql: string, params: QueryParams | undefined, batchSize: number): AsyncGenerator<Row> {
    this.assertUsable();
    this.enter();
    try {
      yield* this.#core.adapter.stream(this.conn.raw, sql, params, { batchSize });
    } catch (error) {
      throw this.#core.failure(this.conn, error);
    } finally {
      this.leave();
    }
  }

  /**
   * Ends the lease (a second call does nothing, as in mysql2 and pg). A connection of its own goes
   * back through the pool's usual path — rolled back if the library left a transaction open, reset
   * if it changed session state, destroyed if a reply is still unread (a stream broken off). A joined
   * lease rolls back to before the savepoints it left open, and the holder keeps the connection.
   */
  async release(): Promise<void> {
    if (this.#state === 'released') return;
    this.#state = 'released';
    const core = this.#core;
    if (this.#inFlight > 0) {
      // A reply the library stopped reading: the connection cannot serve anyone else.
      core.markBroken(this.conn.raw);
    }
    if (this.#holder === undefined) {
      await core.giveBack(this.conn);
      return;
    }
    const undo = this.#rewriter.undoStatements();
    if (this.#rewriter.ownTransaction && core.adapter.transactionState(this.conn.raw) !== 'idle') undo.push('ROLLBACK');
    this.#rewriter.forgetOwnTransaction();
    for (const sql of undo) {
      try {
        await core.send(this.conn, sql, undefined);
      } catch (error) {
        core.markBroken(this.conn.raw);
        core.logger.warn(`unipool: pool "${core.config.alias}": undoing what a released ${this.#what} left open failed (${sql}); the connection will be destroyed: ${(error as Error)?.message ?? String(error)}`);
        return;
      }
    }
  }

  /** Ends the lease and closes the connection instead of pooling it (mysql2's `destroy()`). */
  async destroy(): Promise<void> {
    if (this.#state === 'released') return;
    if (this.#holder === undefined) this.#core.markBroken(this.conn.raw);
    await this.release();
  }
}
