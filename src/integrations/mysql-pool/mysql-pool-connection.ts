import { EventEmitter } from 'node:events';
import { runNativeCommand, type MysqlCommand, type MysqlConnection } from '../../../adapters/mysql/index.js';
import type { LibraryLease } from '../library-lease.js';
import type { MysqlQueryCallback, NativeMysqlConnection } from './native-mysql-connection.js';
import { PromiseMysqlPoolConnection } from './promise-mysql-pool-connection.js';

/** `(sql, values?, callback?)` as mysql2 takes it: the values may be left out before the callback. */
function splitArguments(values: unknown, callback: MysqlQueryCallback | undefined): [unknown, MysqlQueryCallback | undefined] {
  return typeof values === 'function' ? [undefined, values as MysqlQueryCallback] : [values, callback];
}

/** The statement with its text replaced (same object when unchanged): a string, or mysql2's options object. */
function withText(sql: unknown, text: string | undefined, rewritten: string | undefined): unknown {
  if (rewritten === text) return sql;
  return typeof sql === 'string' ? rewritten : { ...(sql as object), sql: rewritten };
}

/**
 * A connection lent by `db.mysqlPool().getConnection()`: mysql2's PoolConnection API (callback
 * form; `.promise()` for the promise form) over one unipool lease. Statements run on the real mysql2
 * connection with the library's own options, so results look exactly as mysql2 makes them; unipool
 * follows the server's status flags to know whether a transaction is open. `release()` gives it
 * back through unipool (rolled back / reset when needed); any use after it throws
 * `UNIPOOL_LEASE_RELEASED`.
 */
export class MysqlPoolConnection extends EventEmitter {
  readonly #lease: LibraryLease;
  readonly #native: NativeMysqlConnection;
  #promise: PromiseMysqlPoolConnection | undefined;
  /** The pool's `release` event (its listeners' errors reported, never thrown here), when someone listens to it. */
  readonly #onRelease: ((connection: MysqlPoolConnection) => void) | undefined;

  /** @internal — lent by `MysqlPool.getConnection()`. */
  constructor(lease: LibraryLease, onRelease?: (connection: MysqlPoolConnection) => void) {
    super();
    this.#lease = lease;
    this.#native = lease.raw as NativeMysqlConnection;
    this.#onRelease = onRelease;
  }

  /** Gives the lease back, telling the pool's `release` listeners the first time (as mysql2 does on release, not on destroy). */
  #release(): Promise<void> {
    if (this.#onRelease !== undefined && !this.#lease.released) this.#onRelease(this);
    return this.#lease.release();
  }

  /** The server's connection id (`CONNECTION_ID()`). */
  get threadId(): number | null {
    return this.#native.threadId;
  }

  /** mysql2's connection state (`authenticated`…), which knex checks before use. */
  get state(): string | undefined {
    return this.#native.state;
  }

  /** mysql2's connection config (read-only use: libraries look up options such as `trace`). */
  get config(): object {
    return this.#native.config;
  }

  /** Runs a text-protocol query; the same arguments and results as mysql2's `connection.query()`. */
  query(sql: unknown, values?: unknown, callback?: MysqlQueryCallback): MysqlCommand | undefined {
    return this.#run('query', sql, values, callback);
  }

  /** Runs a prepared statement; the same arguments and results as mysql2's `connection.execute()`. */
  execute(sql: unknown, values?: unknown, callback?: MysqlQueryCallback): MysqlCommand | undefined {
    return this.#run('execute', sql, values, callback);
  }

  #run(method: 'query' | 'execute', sql: unknown, valuesOrCallback: unknown, maybeCallback: MysqlQueryCallback | undefined): MysqlCommand | undefined {
    const [values, callback] = splitArguments(valuesOrCallback, maybeCallback);
    const lease = this.#lease;
    const text = typeof sql === 'string' ? sql : (sql as { sql?: unknown } | null)?.sql;
    let statement: unknown;
    try {
      lease.assertUsable();
      statement = typeof text === 'string' ? withText(sql, text, lease.statement(text)) : sql;
    } catch (error) {
      if (callback === undefined) throw error;
      process.nextTick(callback, error);
      return undefined;
    }
    const native = this.#native;
    lease.enter();
    return runNativeCommand(
      native as unknown as MysqlConnection,
      (done) => (done === undefined ? native[method](statement, values) : native[method](statement, values, done)),
      callback,
      (outcome) => {
        lease.leave();
        if (outcome.sessionChanged) lease.noteSessionChange();
      },
    );
  }

  /** `START TRANSACTION` (a savepoint when the connection is already in a transaction). */
  beginTransaction(callback?: MysqlQueryCallback): MysqlCommand | undefined {
    return this.query('START TRANSACTION', callback);
  }

  /** `COMMIT` (releases the savepoint when the BEGIN was one). */
  commit(callback?: MysqlQueryCallback): MysqlCommand | undefined {
    return this.query('COMMIT', callback);
  }

  /** `ROLLBACK` (to the savepoint when the BEGIN was one). */
  rollback(callback?: MysqlQueryCallback): MysqlCommand | undefined {
    return this.query('ROLLBACK', callback);
  }

  /** COM_PING on the lent connection. */
  ping(callback?: (error: Error | null) => void): void {
    const lease = this.#lease;
    try {
      lease.assertUsable();
    } catch (error) {
      if (callback === undefined) throw error;
      process.nextTick(callback, error);
      return;
    }
    const native = this.#native;
    lease.enter();
    runNativeCommand(native as unknown as MysqlConnection, (done) => native.ping((error) => done?.(error)), (error) => callback?.(error), () => lease.leave());
  }

  /** @internal — shares the connection `atomic()`/`session()` holds. */
  get joined(): boolean {
    return this.#lease.joined;
  }

  /** @internal — the driver reports a transaction open on the connection. */
  get inTransaction(): boolean {
    return this.#lease.inTransaction;
  }

  /** @internal — `release()`, settled once the connection is back in the pool. */
  releaseNow(): Promise<void> {
    return this.#release();
  }

  /** Gives the connection back to unipool's pool; a second call does nothing. */
  release(): void {
    void this.#release();
  }

  /** Closes the connection instead of pooling it (inside `atomic()`/`session()` it only ends the lease). */
  destroy(): void {
    void this.#lease.destroy();
  }

  /** As on mysql2's pooled connections: releases it. */
  end(callback?: (error?: Error | null) => void): void {
    this.#release().then(
      () => callback?.(null),
      (error: unknown) => callback?.(error as Error),
    );
  }

  /** mysql2's escaping with this connection's settings. */
  escape(value: unknown): string {
    return this.#native.escape(value);
  }

  escapeId(value: unknown): string {
    return this.#native.escapeId(value);
  }

  format(sql: string, values?: unknown): string {
    return this.#native.format(sql, values);
  }

  /** The promise form of this connection (mysql2's `connection.promise()`). */
  promise(): PromiseMysqlPoolConnection {
    this.#promise ??= new PromiseMysqlPoolConnection(this);
    return this.#promise;
  }
}
