import { EventEmitter } from 'node:events';
import type { PgConnection, PgNativeResult, PgSubmittable } from '../../../adapters/postgres/index.js';
import { UnipoolError } from '../../errors.js';
import type { PooledConnection } from '../../pool/pool-engine.js';
import type { Holder } from '../../transaction/holder.js';
import type { PgPoolBridge, PgQueryInput } from './pg-pool-bridge.js';
import { savepointsOf } from '../library-lease.js';
import { beginCommitOrRollback } from '../transaction-control.js';
import { answerLikePg, queryProblem, type PgQueryCallback } from './pg-query-args.js';

type Listener = Parameters<EventEmitter['on']>[1];

/** Driver events a library may listen to on its client; forwarded from the real connection while lent. */
const FORWARDED = ['error', 'notice', 'notification'] as const;


/**
 * EventEmitter without its constructor: pg's PoolClient is an EventEmitter (`instanceof` holds,
 * every method is there), but its constructor's per-object setup would run on every `connect()`;
 * its methods create that state themselves on the first listener.
 */
const LazyEventEmitter = function LazyEventEmitter() {} as unknown as typeof EventEmitter;
LazyEventEmitter.prototype = EventEmitter.prototype;

/**
 * The client `pgPool().connect()` lends: pg's `PoolClient` interface (`query` in promise and
 * callback forms, `release(err?)`) over one pooled connection. A wrapper rather than the real
 * `pg.Client`, so that after `release()` it can refuse to run anything (the connection may be
 * someone else's by then), and so that, joined to `atomic()`, its BEGIN/COMMIT/ROLLBACK become
 * savepoint operations.
 *
 * One new object per `connect()`, never one per connection reused across leases: pg's interface
 * gives a borrower nothing but the object, so a stale reference to a reused one could not be told
 * from the next borrower's and would run on their connection. Kysely and knex connect for every
 * query, so a lease is kept cheap instead: a few fields set, no EventEmitter constructor run, the
 * savepoint list only on a joined client that sends BEGIN.
 * @internal
 */
export class LentPgClient extends LazyEventEmitter {
  readonly #bridge: PgPoolBridge;
  /** The connection lent to this client alone, or undefined when it joined a held one. */
  readonly #conn: PooledConnection<unknown> | undefined;
  /** The `atomic()`/`session()` holder this client joined, or undefined when it has its own connection. */
  readonly #holder: Holder | undefined;
  readonly #onRelease: (client: LentPgClient, error: unknown) => void;
  #released = false;
  /** One entry per BEGIN this client sent while joined: the savepoint it became, or null for a real BEGIN. */
  #begins: (string | null)[] | undefined;
  /** Driver events forwarded from the connection, created on the first listener (most clients have none). */
  #forwarders: Map<string, (...args: unknown[]) => void> | undefined;

  /** A client on its own connection (`conn`), or joined to the connection `holder` holds. */
  constructor(bridge: PgPoolBridge, conn: PooledConnection<unknown> | undefined, holder: Holder | undefined, onRelease: (client: LentPgClient, error: unknown) => void) {
    super();
    this.#bridge = bridge;
    this.#conn = conn;
    this.#holder = holder;
    this.#onRelease = onRelease;
  }

  // Listeners are watched here rather than through 'newListener' (a listener of our own on every
  // client would cost each connect(), and Kysely connects for every query).
  override on(event: string | symbol, listener: Listener): this {
    if (typeof event === 'string') this.#forward(event);
    return super.on(event, listener);
  }

  override addListener(event: string | symbol, listener: Listener): this {
    return this.on(event, listener);
  }

  override once(event: string | symbol, listener: Listener): this {
    if (typeof event === 'string') this.#forward(event);
    return super.once(event, listener);
  }

  /** The server process id of the connection (Kysely and pg users read it to cancel a query). */
  get processID(): number | null {
    return this.#raw().processID;
  }

  /** True once `release()` was called. */
  get released(): boolean {
    return this.#released;
  }

  /** pg's `client.escapeIdentifier()`, for libraries that quote through the client. */
  escapeIdentifier(name: string): string {
    return (this.#raw() as unknown as { escapeIdentifier(name: string): string }).escapeIdentifier(name);
  }

  /** pg's `client.escapeLiteral()`. */
  escapeLiteral(value: string): string {
    return (this.#raw() as unknown as { escapeLiteral(value: string): string }).escapeLiteral(value);
  }

  /**
   * pg's `client.query()`: `(text | config, values?, callback?)`, a promise unless a callback is
   * given; or a submittable (`pg-cursor`, `pg-query-stream`), returned as pg returns it.
   */
  query<S extends PgSubmittable>(submittable: S, callback?: (...args: never[]) => void): S;
  query(query: PgQueryInput, values?: unknown[]): Promise<PgNativeResult>;
  query(query: PgQueryInput, callback: PgQueryCallback): void;
  query(query: PgQueryInput, values: unknown[] | undefined, callback: PgQueryCallback): void;
  query(query: PgQueryInput | PgSubmittable, values?: unknown[] | PgQueryCallback | ((...args: never[]) => void), callback?: PgQueryCallback): Promise<PgNativeResult> | PgSubmittable | void {
    if (typeof query === 'object' && query !== null && typeof (query as { submit?: unknown }).submit === 'function') return this.#submit(query as PgSubmittable, values);
    if (typeof values === 'function') {
      callback = values as PgQueryCallback;
      values = undefined;
    }
    const problem = queryProblem(query);
    return answerLikePg(problem === undefined ? this.#run(query as PgQueryInput, values) : Promise.reject(problem), callback, this.#bridge);
  }

  /**
   * A cursor or stream: the client's connection is exclusive, so it can stay open across the
   * library's reads; the client must not be released before it is finished (the connection would
   * be destroyed). Refused inside `atomic()`/`session()`, where the connection is shared with the
   * block. As in pg, a refusal reaches the submittable (its reads fail with it), not the caller.
   */
  #submit(submittable: PgSubmittable, callback: unknown): PgSubmittable {
    const withCallback = submittable as PgSubmittable & { callback?: unknown };
    if (typeof callback === 'function') withCallback.callback ??= callback;
    const conn = this.#conn;
    const problem = this.#released
      ? this.#releasedError('ran a cursor or stream')
      : conn === undefined
        ? new UnipoolError('UNIPOOL_UNSUPPORTED', `unipool: pool "${this.#bridge.alias}": a pgPool() client joined to db.atomic()/db.session() cannot run a cursor or stream (pg-cursor, pg-query-stream): the block's own statements would have to wait for it. Use db.stream() inside the block, or run the cursor on a client connected outside it.`)
        : undefined;
    if (problem === undefined) this.#bridge.submit(conn as PooledConnection<unknown>, submittable);
    else process.nextTick(() => (submittable as unknown as { handleError(error: Error, connection: unknown): void }).handleError(problem, undefined));
    return submittable;
  }

  #run(query: PgQueryInput, values: unknown[] | undefined): Promise<PgNativeResult> {
    if (this.#released) return Promise.reject(this.#releasedError('ran a query'));
    const conn = this.#conn;
    if (conn !== undefined) return this.#bridge.run(conn, query, values);
    const holder = this.#holder as Holder;
    const control = beginCommitOrRollback(typeof query === 'string' ? query : query.text);
    if (control === undefined) return this.#bridge.runHeld(holder, query, values);
    return this.#runControl(holder, control, query, values);
  }

  /**
   * A library's own transaction control on a joined connection. BEGIN inside the held transaction
   * becomes a SAVEPOINT, its COMMIT a RELEASE and its ROLLBACK a ROLLBACK TO (then RELEASE): the
   * library's unit commits or rolls back with the surrounding `atomic()`, never on its own. A BEGIN
   * on a held connection that is not in a transaction (`session()`) stays a real BEGIN.
   */
  async #runControl(holder: Holder, control: 'begin' | 'commit' | 'rollback', query: PgQueryInput, values: unknown[] | undefined): Promise<PgNativeResult> {
    const bridge = this.#bridge;
    const begins = (this.#begins ??= []);
    if (control === 'begin') {
      if (!bridge.inTransaction(holder.conn)) {
        const result = await bridge.runHeld(holder, query, values);
        begins.push(null);
        return result;
      }
      const name = holder.nextSavepointName();
      const result = await bridge.runHeld(holder, `SAVEPOINT ${name}`, undefined);
      begins.push(name);
      // Shared with the other integrations' joined transactions: two running at once on one
      // atomic() (under Promise.all) would otherwise interleave their savepoints unnoticed.
      savepointsOf(holder).push(name);
      return result;
    }
    if (begins.length === 0) {
      // Not this client's transaction: runHeld() refuses to end the held one early.
      return bridge.runHeld(holder, query, values);
    }
    const name = begins.at(-1) ?? null;
    if (name === null) {
      begins.pop();
      return bridge.runHeld(holder, query, values, true);
    }
    const stack = savepointsOf(holder);
    if (stack.at(-1) !== name) {
      throw new UnipoolError('UNIPOOL_UNSUPPORTED', `unipool: pool "${bridge.alias}": two library transactions overlap on the connection one atomic()/session() block holds (this one's savepoint is not the innermost open one), so ending it would end the other's too; nothing was run. Run the transactions one after the other inside the block, not under Promise.all.`);
    }
    begins.pop();
    stack.pop();
    const sql = control === 'commit' ? `RELEASE SAVEPOINT ${name}` : `ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`;
    const result = await bridge.runHeld(holder, sql, undefined);
    return Array.isArray(result) ? (result[result.length - 1] ?? result) : result;
  }

  /**
   * pg's `release(err?)`: the client gives its connection back. A truthy `err` destroys it (as in
   * pg); otherwise it is rolled back and reset as needed before reuse. A joined client leaves the
   * connection to the block that holds it, rolling back a savepoint it left open. Twice → error.
   */
  release(error?: unknown): void {
    if (this.#released) throw this.#releasedError('was released');
    this.#released = true;
    if (this.#forwarders !== undefined) {
      for (const [event, forwarder] of this.#forwarders) (this.#raw() as unknown as EventEmitter).removeListener(event, forwarder);
      this.#forwarders = undefined;
    }
    this.#onRelease(this, error);
    const conn = this.#conn;
    if (conn !== undefined) {
      this.#bridge.giveBack(conn, error !== undefined && error !== null && error !== false);
      return;
    }
    const holder = this.#holder as Holder;
    const outer = this.#begins?.[0];
    if (typeof outer === 'string') {
      // Rolling back to its outermost savepoint ends everything opened after it.
      const stack = savepointsOf(holder);
      const at = stack.indexOf(outer);
      if (at >= 0) stack.length = at;
    }
    this.#begins = undefined;
    if (outer === undefined || holder.ended) return;
    // The library abandoned its unit mid-way: undo it, like a pooled connection released in a
    // transaction — to its outermost savepoint, or the real BEGIN it sent inside session().
    const sql = outer === null ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${outer}; RELEASE SAVEPOINT ${outer}`;
    this.#bridge.runHeld(holder, sql, undefined, true).catch(() => undefined);
  }

  #raw(): PgConnection {
    return (this.#conn ?? (this.#holder as Holder).conn).raw as PgConnection;
  }

  #forward(event: string): void {
    if (this.#released || this.#forwarders?.has(event) === true || !(FORWARDED as readonly string[]).includes(event)) return;
    // An 'error' re-emitted with nobody listening would throw; the adapter's own listener has
    // already marked the connection broken.
    const forwarder = (...args: unknown[]): void => {
      if (event !== 'error' || this.listenerCount('error') > 0) this.emit(event, ...args);
    };
    (this.#forwarders ??= new Map()).set(event, forwarder);
    (this.#raw() as unknown as EventEmitter).on(event, forwarder);
  }

  #releasedError(what: string): UnipoolError {
    return new UnipoolError('UNIPOOL_LEASE_RELEASED', `unipool: pool "${this.#bridge.alias}": a pgPool() client ${what} after release(); its connection may already serve someone else, so nothing was run. Call connect() again for a new client.`);
  }
}
