import type { EventEmitter } from 'node:events';
import type { PgModuleWithPool, PgNativeResult } from '../../../adapters/postgres/index.js';
import { UnipoolError } from '../../errors.js';
import { createChannel, destroyChannel } from '../../metrics/pool-channels.js';
import type { PooledConnection } from '../../pool/pool-engine.js';
import type { Holder } from '../../transaction/holder.js';
import { LentPgClient } from './lent-pg-client.js';
import type { PgPoolBridge, PgQueryInput } from './pg-pool-bridge.js';
import { answerLikePg, queryProblem, type PgQueryCallback } from './pg-query-args.js';

/** The client `PgPool.connect()` lends (pg's `PoolClient` interface, typed without pg's types). */
export interface PgPoolClient extends EventEmitter {
  /** A `pg-cursor` or `pg-query-stream`, returned as pg returns it; release the client once it is closed. */
  query<S extends { submit(connection: unknown): unknown }>(submittable: S, callback?: (...args: never[]) => void): S;
  query(query: PgQueryInput, values?: unknown[]): Promise<PgNativeResult>;
  query(query: PgQueryInput, callback: PgQueryCallback): void;
  query(query: PgQueryInput, values: unknown[] | undefined, callback: PgQueryCallback): void;
  /** Gives the connection back; a truthy `error` destroys it. A second call throws `UNIPOOL_LEASE_RELEASED`. */
  release(error?: unknown): void;
  readonly processID: number | null;
  readonly released: boolean;
  escapeIdentifier(name: string): string;
  escapeLiteral(value: string): string;
}

/** What `db.pgPool()` returns, typed without pg's types: pass `pg.Pool` as the type argument for pg's own. */
export interface PgPool extends EventEmitter {
  query(query: PgQueryInput, values?: unknown[]): Promise<PgNativeResult>;
  query(query: PgQueryInput, callback: PgQueryCallback): void;
  query(query: PgQueryInput, values: unknown[] | undefined, callback: PgQueryCallback): void;
  connect(): Promise<PgPoolClient>;
  connect(callback: (error: Error | undefined, client?: PgPoolClient, done?: (error?: unknown) => void) => void): void;
  end(): Promise<void>;
  end(callback: () => void): void;
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly expiredCount: number;
  readonly options: { readonly max: number } & Readonly<Record<string, unknown>>;
}

type ConnectCallback = (error: Error | undefined, client?: LentPgClient, done?: (error?: unknown) => void) => void;

/** The constructor `pgPoolClass()` builds. */
export type PgPoolConstructor = new (bridge: PgPoolBridge, options: Record<string, unknown>) => PgPool;

const classes = new WeakMap<object, PgPoolConstructor>();

/** Whether `message` (a `unipool:create`/`unipool:destroy` publication) is about this pool. */
function ofPool(message: unknown, alias: string): boolean {
  return (message as { alias?: unknown } | null)?.alias === alias && (message as { connectionId?: unknown }).connectionId !== undefined;
}

/**
 * The `pg.Pool` subclass of this `pg` module, made once per module: extending the application's
 * own `pg.Pool` is what makes `instanceof pg.Pool` hold in Prisma's adapter and Drizzle, which
 * decide by it whether they were given a pool or a single client. pg-pool's own state (its idle
 * list, its clients) stays empty: every method that would use it is overridden.
 */
export function pgPoolClass(pg: PgModuleWithPool): PgPoolConstructor {
  const cached = classes.get(pg);
  if (cached !== undefined) return cached;
  const Base = pg.Pool as unknown as new (options: Record<string, unknown>) => EventEmitter;

  class UnipoolPgPool extends Base implements PgPool {
    readonly #bridge: PgPoolBridge;
    #watching = false;

    constructor(bridge: PgPoolBridge, options: Record<string, unknown>) {
      super(options);
      this.#bridge = bridge;
      this.on('newListener', (event: string) => {
        if (event === 'connect' || event === 'remove' || event === 'error') this.#watchConnections();
      });
    }

    declare readonly options: PgPool['options'];

    get totalCount(): number {
      return this.#bridge.numbers().size;
    }

    get idleCount(): number {
      return this.#bridge.numbers().idle;
    }

    get waitingCount(): number {
      return this.#bridge.numbers().waiting;
    }

    /** pg counts clients past their lifetime still checked out; unipool retires those on release. */
    get expiredCount(): number {
      return 0;
    }

    query(query: PgQueryInput, values?: unknown[]): Promise<PgNativeResult>;
    query(query: PgQueryInput, callback: PgQueryCallback): void;
    query(query: PgQueryInput, values: unknown[] | undefined, callback: PgQueryCallback): void;
    query(query: PgQueryInput, values?: unknown[] | PgQueryCallback, callback?: PgQueryCallback): Promise<PgNativeResult> | void {
      // Argument checks without an object per call: this is every library query's path.
      if (typeof values === 'function') {
        callback = values;
        values = undefined;
      }
      const problem = queryProblem(query);
      return answerLikePg(problem === undefined ? this.#bridge.query(query, values) : Promise.reject(problem), callback, this.#bridge);
    }

    connect(): Promise<LentPgClient>;
    connect(callback: ConnectCallback): void;
    connect(callback?: ConnectCallback): Promise<LentPgClient> | void {
      const promise = this.#lend();
      if (callback === undefined) return promise;
      promise.then(
        (client) => this.#bridge.runCallback(() => callback(undefined, client, (error?: unknown) => client.release(error)), 'a pg connect callback'),
        (error: unknown) => this.#bridge.runCallback(() => callback(error as Error), 'a pg connect callback'),
      );
    }

    // Not async, and no promise of its own for an idle connection: Kysely and knex connect() for
    // every query.
    #lend(): Promise<LentPgClient> {
      const bridge = this.#bridge;
      const holder = bridge.held();
      if (holder !== undefined) {
        try {
          holder.assertHeld();
        } catch (error) {
          return Promise.reject(error);
        }
        return this.#lentNow(undefined, holder);
      }
      const conn = bridge.borrowNow();
      if (conn !== undefined) return this.#lentNow(conn, undefined);
      return new Promise((resolve, reject) => {
        bridge.borrowWith((borrowed) => {
          // Called inside the release that freed the connection: an 'acquire' listener that
          // throws fails this connect(), not that release.
          try {
            resolve(this.#lent(borrowed, undefined));
          } catch (error) {
            reject(error);
          }
        }, reject);
      });
    }

    #lentNow(conn: PooledConnection<unknown> | undefined, holder: Holder | undefined): Promise<LentPgClient> {
      try {
        return Promise.resolve(this.#lent(conn, holder));
      } catch (error) {
        return Promise.reject(error);
      }
    }

    #lent(conn: PooledConnection<unknown> | undefined, holder: Holder | undefined): LentPgClient {
      const client = new LentPgClient(this.#bridge, conn, holder, this.#onRelease);
      if (this.listenerCount('acquire') > 0) {
        try {
          this.emit('acquire', client);
        } catch (error) {
          // The connect() fails with the listener's error; the connection must not stay lent to nobody.
          if (conn !== undefined) this.#bridge.giveBack(conn, false);
          throw error;
        }
      }
      return client;
    }

    readonly #onRelease = (client: LentPgClient, error: unknown): void => {
      if (this.listenerCount('release') > 0) this.emit('release', error, client);
    };

    /** A no-op that resolves: the connections belong to the databases (`dbs.close()` ends them), not to the library handed this pool. */
    end(): Promise<void>;
    end(callback: () => void): void;
    end(callback?: () => void): Promise<void> | void {
      if (callback === undefined) return Promise.resolve();
      queueMicrotask(callback);
    }

    /**
     * pg emits `connect` when it opens a connection, `remove` when it closes one and `error` when an
     * idle one dies; unipool's pool publishes those on its diagnostics channels, subscribed only
     * once someone listens here. The argument is the channel's message (`{ alias, connectionId, … }`),
     * not a client: unipool's connections are not handed out raw.
     */
    #watchConnections(): void {
      if (this.#watching) return;
      this.#watching = true;
      const bridge = this.#bridge;
      const alias = bridge.alias;
      const onCreate = (message: unknown): void => {
        if (ofPool(message, alias)) this.emit('connect', message);
      };
      const onDestroy = (message: unknown): void => {
        if (!ofPool(message, alias)) return;
        this.emit('remove', message);
        // An 'error' with nobody listening would throw out of the pool's destroy path.
        if ((message as { reason?: unknown }).reason === 'broken' && this.listenerCount('error') > 0) {
          this.emit('error', new UnipoolError('UNIPOOL_CONNECTION_BROKEN', `unipool: pool "${alias}": a connection broke and was destroyed; the pool opens a new one when needed.`), message);
        }
        // The channels are process-wide: once the database is closed, let go of this pool.
        if (bridge.closed) {
          createChannel.unsubscribe(onCreate);
          destroyChannel.unsubscribe(onDestroy);
        }
      };
      createChannel.subscribe(onCreate);
      destroyChannel.subscribe(onDestroy);
    }
  }

  classes.set(pg, UnipoolPgPool);
  return UnipoolPgPool;
}
