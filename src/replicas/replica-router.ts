import type { QueryParams, QueryResult, Row } from '../adapter.js';
import type { Database } from '../database.js';
import type { DatabaseCore } from '../database-core.js';
import { UnipoolError } from '../errors.js';
import type { ReplicaPoolStats } from '../metrics/pool-stats.js';
import type { SqlStatement, SqlTag } from '../sql-template.js';
import { context } from '../transaction/context.js';
import { findHeld } from '../transaction/find-held.js';
import type { AtomicOptions } from '../transaction/run-atomic.js';
import type { StreamOptions } from '../transaction/stream-rows.js';
import { isReplicaDownError } from './replica-down-error.js';
import type { ReplicaMember } from './replica-member.js';

/**
 * `db.replica`: reads routed to a healthy read replica (round-robin), or to the primary when none is
 * healthy or none is configured — so the same code runs with and without replicas. Inside a
 * primary `atomic()`/`session()` (or a request scope that holds a primary connection) it uses that
 * connection, so a transaction reads its own writes.
 *
 * @example
 * const { rows } = await db.replica.query('SELECT * FROM products WHERE id = $1', [42]);
 * await db.replica.atomic(async () => { await db.replica.query('SELECT …'); await db.replica.query('SELECT …'); });
 */
export interface ReplicaReader {
  /** `db.query()` on a replica. A read that fails because the replica is unreachable or its connection broke is retried once, on another replica or the primary. */
  query<R = Row>(sql: string | SqlStatement, params?: QueryParams): Promise<QueryResult<R>>;
  /** `db.stream()` on a replica; retried once elsewhere when the replica fails before the first row. */
  stream<R = Row>(sql: SqlStatement, options?: StreamOptions): AsyncIterable<R>;
  stream<R = Row>(sql: string | SqlStatement, params?: QueryParams, options?: StreamOptions): AsyncIterable<R>;
  /**
   * A read-only transaction (`readOnly` defaults to true; `false` is refused) on one replica, for
   * reads that must see one snapshot. Inside it, run statements with `db.replica.query()`
   * (`db.query()` goes to the primary). Retried elsewhere only when the replica failed before `fn` ran.
   */
  atomic<T>(fn: () => T | Promise<T>): Promise<T>;
  atomic<T>(options: AtomicOptions, fn: () => T | Promise<T>): Promise<T>;
  /** The database's `db.sql` tag (a replica runs the same engine). */
  readonly sql: SqlTag;
}

/** The `ReplicaReader` behind `db.replica`. @internal */
export class ReplicaRouter implements ReplicaReader {
  readonly #primary: Database;
  readonly #primaryCore: DatabaseCore;
  readonly #members: readonly ReplicaMember[];
  /** Round-robin position: the member tried first by the next read. */
  #next = 0;

  constructor(primary: Database, primaryCore: DatabaseCore, members: readonly ReplicaMember[]) {
    this.#primary = primary;
    this.#primaryCore = primaryCore;
    this.#members = members;
  }

  get sql(): SqlTag {
    return this.#primary.sql;
  }

  query<R = Row>(sql: string | SqlStatement, params?: QueryParams): Promise<QueryResult<R>> {
    const held = this.#held();
    if (held !== undefined) return held.query<R>(sql, params);
    const member = this.#pick(undefined);
    if (member === undefined) return this.#primary.query<R>(sql, params);
    return member.db.query<R>(sql, params).catch((error: unknown) => {
      // The whole result or nothing came back, and the statement is a declared read: running it
      // again elsewhere is safe even when the broken connection may have run it.
      if (!isReplicaDownError(error)) throw error;
      member.markDown(error);
      return this.#fallback(member).query<R>(sql, params);
    });
  }

  stream<R = Row>(sql: SqlStatement, options?: StreamOptions): AsyncIterable<R>;
  stream<R = Row>(sql: string | SqlStatement, params?: QueryParams, options?: StreamOptions): AsyncIterable<R>;
  stream<R = Row>(sql: string | SqlStatement, paramsOrOptions?: QueryParams | StreamOptions, options?: StreamOptions): AsyncIterable<R> {
    // Checked now, like db.stream(): a bad argument throws at the call, not at the first row.
    this.#primary.stream(sql, paramsOrOptions as QueryParams, options);
    const open = (db: Database): AsyncIterable<R> => db.stream<R>(sql, paramsOrOptions as QueryParams, options);
    return {
      // The target is chosen when the loop starts, in the loop's async context (it may hold a connection).
      [Symbol.asyncIterator]: () => this.#streamFrom(open)[Symbol.asyncIterator](),
    };
  }

  async *#streamFrom<R>(open: (db: Database) => AsyncIterable<R>): AsyncGenerator<R> {
    const held = this.#held();
    const member = held === undefined ? this.#pick(undefined) : undefined;
    if (member === undefined) {
      yield* open(held ?? this.#primary);
      return;
    }
    let rows = 0;
    try {
      for await (const row of open(member.db)) {
        rows += 1;
        yield row;
      }
    } catch (error) {
      if (!isReplicaDownError(error)) throw error;
      member.markDown(error);
      // Rows already handed to the caller cannot be taken back: only a stream that failed before
      // its first row starts again elsewhere.
      if (rows > 0) throw error;
      yield* open(this.#fallback(member));
    }
  }

  atomic<T>(fn: () => T | Promise<T>): Promise<T>;
  atomic<T>(options: AtomicOptions, fn: () => T | Promise<T>): Promise<T>;
  atomic<T>(optionsOrFn: AtomicOptions | (() => T | Promise<T>), maybeFn?: () => T | Promise<T>): Promise<T> {
    const [given, fn]: [AtomicOptions, unknown] = typeof optionsOrFn === 'function' ? [{}, optionsOrFn] : [optionsOrFn, maybeFn];
    if (typeof fn !== 'function') return Promise.reject(new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.replica.atomic(): expected a function, got ${fn === null ? 'null' : typeof fn}`));
    if (typeof given === 'object' && given !== null && given.readOnly === false) {
      return Promise.reject(new UnipoolError('UNIPOOL_INVALID_ARGUMENT', 'db.replica.atomic(): a replica transaction is read-only, got readOnly: false — use db.atomic() for writes'));
    }
    const run = fn as () => T | Promise<T>;
    const frame = context.getStore();
    const held = this.#held();
    if (held !== undefined) {
      // A block nested in a transaction this context holds: a savepoint in it (read-your-writes),
      // which cannot change the transaction's access mode.
      const inTransaction = findHeld(this.#primaryCore, frame)?.block !== undefined || this.#members.some((m) => findHeld(m.core, frame)?.block !== undefined);
      return held.atomic(inTransaction ? withoutReadOnly(given) : this.#readOnly(given), run);
    }
    const options = this.#readOnly(given);
    const member = this.#pick(undefined);
    if (member === undefined) return this.#primary.atomic(options, run);
    let started = false;
    const body = (): T | Promise<T> => {
      started = true;
      return run();
    };
    return member.db.atomic(options, body).catch((error: unknown) => {
      if (!isReplicaDownError(error)) throw error;
      member.markDown(error);
      // Once `fn` ran, its effects outside the database (and its retries) are the caller's to judge.
      if (started) throw error;
      return this.#fallback(member).atomic(options, run);
    });
  }

  /** Stats of every replica pool, in config order, with their health. @internal */
  stats(): ReplicaPoolStats[] {
    return this.#members.map((member) => ({ ...member.db.stats(), role: 'replica', replica: member.name, healthy: member.health.healthy, downs: member.health.downs }));
  }

  /** The replicas' databases (their pools), for metrics, scopes and close. @internal */
  get databases(): readonly Database[] {
    return this.#members.map((member) => member.db);
  }

  /** `{ readOnly: true, ...given }` where the engine has read-only transactions. */
  #readOnly(given: AtomicOptions): AtomicOptions {
    if (!this.#primaryCore.adapter.capabilities.readOnlyTransactions) return given;
    return given.readOnly === undefined ? { ...given, readOnly: true } : given;
  }

  /** The database whose connection this async context holds (primary first), if any. */
  #held(): Database | undefined {
    const frame = context.getStore();
    if (frame === undefined) return undefined;
    if (findHeld(this.#primaryCore, frame) !== undefined) return this.#primary;
    for (const member of this.#members) if (findHeld(member.core, frame) !== undefined) return member.db;
    return undefined;
  }

  /** The next available replica after the round-robin position, skipping `failed`; undefined when none is. */
  #pick(failed: ReplicaMember | undefined): ReplicaMember | undefined {
    const members = this.#members;
    const count = members.length;
    for (let i = 0; i < count; i++) {
      const index = (this.#next + i) % count;
      const member = members[index] as ReplicaMember;
      if (member !== failed && member.available()) {
        this.#next = index + 1 === count ? 0 : index + 1;
        return member;
      }
    }
    return undefined;
  }

  /** Where a read goes after `failed` went down: another available replica, else the primary. */
  #fallback(failed: ReplicaMember): Database {
    return this.#pick(failed)?.db ?? this.#primary;
  }
}

function withoutReadOnly(options: AtomicOptions): AtomicOptions {
  if (options.readOnly === undefined) return options;
  const { readOnly: _readOnly, ...rest } = options;
  return rest;
}
