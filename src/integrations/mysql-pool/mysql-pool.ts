import { EventEmitter } from 'node:events';
import { mysqlEscaping } from '../../../adapters/mysql/index.js';
import type { DatabaseCore } from '../../database-core.js';
import { TransactionError, UnipoolError } from '../../errors.js';
import { createChannel } from '../../metrics/pool-channels.js';
import { LibraryLease } from '../library-lease.js';
import { MysqlPoolConnection } from './mysql-pool-connection.js';
import type { MysqlQueryCallback } from './native-mysql-connection.js';
import { PromiseMysqlPool } from './promise-mysql-pool.js';

/** What `getConnection()`'s callback receives. */
export type GetConnectionCallback = (error: Error | null, connection?: MysqlPoolConnection) => void;

const WHAT = 'db.mysqlPool() connection';

/**
 * mysql2's Pool interface over one unipool database (`db.mysqlPool()`), for libraries that take a
 * mysql2 pool: Drizzle's and Kysely's mysql2 drivers, knex's `connectionPool`. `query`/`execute`
 * borrow a connection, run and give it back under unipool's release policy; `getConnection` lends
 * one until `release()`. Inside `db.atomic()`/`db.session()` both use the held connection, and a
 * library's own transaction there becomes a savepoint. `end()` does nothing: `dbs.close()` owns the
 * pool.
 */
export class MysqlPool extends EventEmitter {
  readonly #core: DatabaseCore;
  #promise: PromiseMysqlPool | undefined;
  #watchingCreates = false;

  /** @internal — use `db.mysqlPool()`. */
  constructor(core: DatabaseCore) {
    super();
    this.#core = core;
    this.on('newListener', (event: string) => {
      if (event === 'connection') this.#watchCreates();
    });
  }

  /**
   * mysql2's pool events: `acquire` (a connection lent by `getConnection()`, `query()` or
   * `execute()`), `release` (given back), `enqueue` (a caller waits: every connection is in use and
   * the pool is full), `connection` (the pool opened a connection). Each costs nothing until
   * someone listens. `connection` gets the pool's `unipool:create` message (`{ alias,
   * connectionId, … }`), not a connection: unipool's connections are not handed out raw.
   */
  #lent(lease: LibraryLease): MysqlPoolConnection {
    const onRelease = this.listenerCount('release') > 0 ? (released: MysqlPoolConnection) => this.#core.runCallback(() => this.emit('release', released), "a db.mysqlPool() 'release' listener") : undefined;
    const connection = new MysqlPoolConnection(lease, onRelease);
    if (this.listenerCount('acquire') > 0) this.#core.runCallback(() => this.emit('acquire', connection), "a db.mysqlPool() 'acquire' listener");
    return connection;
  }

  #watchCreates(): void {
    if (this.#watchingCreates) return;
    this.#watchingCreates = true;
    const core = this.#core;
    const alias = core.config.alias;
    const onCreate = (message: unknown): void => {
      // The channel is process-wide: once the database is closed, let go of this pool.
      if (core.engine.closed) createChannel.unsubscribe(onCreate);
      else if ((message as { alias?: unknown } | null)?.alias === alias) core.runCallback(() => this.emit('connection', message), "a db.mysqlPool() 'connection' listener");
    };
    createChannel.subscribe(onCreate);
  }

  /** Lends a connection (the held one inside `atomic()`/`session()`) until its `release()`. */
  getConnection(callback: GetConnectionCallback): void {
    if (typeof callback !== 'function') throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', 'db.mysqlPool().getConnection(callback): expected a callback; use .promise().getConnection() for a promise');
    let lent;
    try {
      lent = LibraryLease.lend(this.#core, WHAT);
    } catch (error) {
      process.nextTick(callback, error as Error);
      return;
    }
    if (lent instanceof LibraryLease) {
      process.nextTick(callback, null, this.#lent(lent));
      return;
    }
    if (this.listenerCount('enqueue') > 0) {
      // mysql2 says enqueue only when the caller waits for another's connection, not for a new one.
      const { idle, size, max } = this.#core.engine.stats();
      if (idle === 0 && size >= max) this.emit('enqueue');
    }
    lent.then(
      (lease) => callback(null, this.#lent(lease)),
      (error: unknown) => callback(error as Error),
    );
  }

  /** Runs one text-protocol statement (mysql2's `pool.query`, callback form). */
  query(sql: unknown, values?: unknown, callback?: MysqlQueryCallback): void {
    this.#runOnce('query', sql, values, callback);
  }

  /** Runs one prepared statement (mysql2's `pool.execute`, callback form). */
  execute(sql: unknown, values?: unknown, callback?: MysqlQueryCallback): void {
    this.#runOnce('execute', sql, values, callback);
  }

  #runOnce(method: 'query' | 'execute', sql: unknown, valuesOrCallback: unknown, maybeCallback: MysqlQueryCallback | undefined): void {
    const [values, callback] = typeof valuesOrCallback === 'function' ? [undefined, valuesOrCallback as MysqlQueryCallback] : [valuesOrCallback, maybeCallback];
    if (typeof callback !== 'function') {
      throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.mysqlPool().${method}(sql, values, callback): expected a callback; use .promise().${method}() for a promise, or getConnection() for the event/stream form`);
    }
    this.getConnection((error, connection) => {
      if (error || connection === undefined) {
        callback(error);
        return;
      }
      connection[method](sql, values, (queryError, rows, fields) => {
        let failure: unknown = queryError;
        const leftOpen = !connection.joined && connection.inTransaction;
        if (leftOpen && !queryError) {
          // Nothing could route the next statement to this connection: as db.query() does, roll back and say so.
          failure = new TransactionError('UNIPOOL_TX_OUTSIDE_SCOPE', `unipool: pool "${this.#core.config.alias}": a statement sent through db.mysqlPool().${method}() left a transaction open, but the next one may run on another connection, so it was rolled back. Use getConnection() (as ORMs do for their transactions) or db.atomic().`);
        }
        connection.releaseNow().then(
          () => callback(failure as null, rows, fields),
          () => callback(failure as null, rows, fields),
        );
      });
    });
  }

  /** Releases a connection lent by `getConnection()` (mysql2's `pool.releaseConnection`). */
  releaseConnection(connection: MysqlPoolConnection): void {
    connection.release();
  }

  /** Does nothing but call back: the pool belongs to `dbs`, and `dbs.close()` closes it. */
  end(callback?: (error?: Error | null) => void): void {
    if (typeof callback === 'function') process.nextTick(callback, null);
  }

  /** mysql2's escaping of one value. */
  escape(value: unknown): string {
    return mysqlEscaping().escape(value);
  }

  escapeId(value: unknown): string {
    return mysqlEscaping().escapeId(value);
  }

  format(sql: string, values?: unknown): string {
    return mysqlEscaping().format(sql, values);
  }

  /** The promise form (mysql2's `pool.promise()`); the same object on every call. */
  promise(): PromiseMysqlPool {
    this.#promise ??= new PromiseMysqlPool(this);
    return this.#promise;
  }
}

/** `db.mysqlPool()`: the pool of a `mysql` database; any other engine throws `UNIPOOL_UNSUPPORTED`. */
export function createMysqlPool(core: DatabaseCore): MysqlPool {
  if (core.adapter.engine !== 'mysql') {
    throw new UnipoolError('UNIPOOL_UNSUPPORTED', `unipool: pool "${core.config.alias}": db.mysqlPool() needs engine "mysql", but this database is "${core.config.engine}"${core.config.engine === 'postgres' ? ' — use db.pgPool()' : ''}`);
  }
  return new MysqlPool(core);
}
