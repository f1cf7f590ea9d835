import type { Adapter } from '../adapter.js';
import type { Logger } from '../logger.js';
import type { PoolEngine, PooledConnection } from '../pool/pool-engine.js';

/**
 * Where a connection's use stands when the policy is asked what to do with it.
 *
 * - `statement` — a statement ran on a connection nobody holds (`db.query()` outside any block or scope).
 * - `statement-in-scope` — the same inside a request scope (`release: 'asap'`): a manual `BEGIN` there
 *   pins the connection to the scope instead of being rolled back.
 * - `scope-statement` — a statement ran on a connection a scope holds only because of a manual
 *   transaction: once the driver reports idle again, the scope lets go of it.
 * - `ended` — the holder let go: an `atomic()` block, a `stream()` loop, a scope, a lent client's `release()`.
 * - `session-ended` — `session()` ended: session state is reset whether or not a change was detected.
 * - `discarded` — the holder says the connection must not be reused (a lent client released with an error).
 *
 * A statement inside `atomic()` or `session()` never asks: a holder keeps its connection until its
 * block ends, whatever the statement did (that is what the block is for).
 */
export type ReleasePoint = 'statement' | 'statement-in-scope' | 'scope-statement' | 'ended' | 'session-ended' | 'discarded';

/**
 * What happens to the connection: `give-back` (healthy, idle, clean: synchronous), `hold` (the
 * caller keeps it), `roll-back` (then give back, or destroy if that fails), `reset` (session state,
 * then give back), `destroy`.
 */
export type ReleaseDecision = 'give-back' | 'hold' | 'roll-back' | 'reset' | 'destroy';

/**
 * The one place that decides what happens to a connection after a statement or when its holder lets
 * go — for `db.query()`, `atomic()`, `session()`, `stream()`, request scopes and lent pool clients.
 * A connection goes back to the pool only healthy, outside a transaction and with its session state
 * reset; otherwise it is rolled back, reset or destroyed, never handed on dirty.
 *
 * Callers ask `decide()`, do their own bookkeeping for `hold` (pin it to a scope) and then `apply()`;
 * or call `release()` for both at once.
 *
 * @example
 * // a lent client was released
 * await policy.release(conn, error === undefined ? 'ended' : 'discarded');
 * @internal
 */
export class ReleasePolicy {
  readonly #adapter: Adapter<unknown>;
  readonly #engine: PoolEngine<unknown>;
  readonly #logger: Logger;
  readonly #alias: string;
  /**
   * Driver connections reported dead (idle `error` events, fatal statement errors). Keyed by the
   * driver's object because the adapter reports an idle connection's death before the pool lends it.
   */
  readonly #broken = new WeakSet<object>();

  constructor(adapter: Adapter<unknown>, engine: PoolEngine<unknown>, logger: Logger, alias: string) {
    this.#adapter = adapter;
    this.#engine = engine;
    this.#logger = logger;
    this.#alias = alias;
  }

  /** The driver's connection is dead: it will be destroyed instead of given back. */
  markBroken(raw: unknown): void {
    if (typeof raw === 'object' && raw !== null) this.#broken.add(raw);
  }

  /** True while the driver reports the connection inside a transaction (active or failed). */
  inTransaction(conn: PooledConnection<unknown>): boolean {
    return this.#adapter.transactionState(conn.raw) !== 'idle';
  }

  /**
   * A connection just lent by the pool: true when it can be used; otherwise it is destroyed and the
   * caller acquires another (a connection that died while idle is never handed to a caller).
   */
  keepLent(conn: PooledConnection<unknown>): boolean {
    if (this.#isHealthy(conn.raw)) return true;
    this.#engine.destroy(conn, this.#unhealthyReason(conn.raw));
    return false;
  }

  /** What to do with `conn` at `point`. Pure: reads the connection's state, changes nothing. */
  decide(conn: PooledConnection<unknown>, point: ReleasePoint): ReleaseDecision {
    const raw = conn.raw;
    if (point === 'discarded') return 'destroy';
    if (this.#adapter.transactionState(raw) !== 'idle') {
      // Only a scope can route the next statement back to this connection; anywhere else a
      // transaction left open would be split across connections, so it is rolled back.
      return point === 'statement-in-scope' || point === 'scope-statement' ? 'hold' : 'roll-back';
    }
    if (!this.#isHealthy(raw)) return 'destroy';
    if (point === 'session-ended' || conn.dirty) return 'reset';
    return 'give-back';
  }

  /**
   * Carries out `decision`. The common case (`give-back`) is synchronous; anything that must talk to
   * the server first returns a promise that never rejects (a failed clean-up destroys the connection).
   * `point` is where `decide()` was asked: at the end of a session a rolled-back connection is reset too.
   */
  apply(conn: PooledConnection<unknown>, decision: ReleaseDecision, point?: ReleasePoint): Promise<void> | void {
    switch (decision) {
      case 'hold':
        return;
      case 'give-back':
        this.#engine.release(conn);
        return;
      case 'destroy':
        this.#engine.destroy(conn, this.#unhealthyReason(conn.raw));
        return;
      case 'roll-back':
      case 'reset':
        // A dead connection is destroyed before anything is sent on it.
        if (!this.#isHealthy(conn.raw)) {
          this.#engine.destroy(conn, this.#unhealthyReason(conn.raw));
          return;
        }
        return this.#cleanThenGiveBack(conn, decision === 'reset' || point === 'session-ended');
    }
  }

  /** `decide()` then `apply()`: what every holder calls when it lets go of a connection. */
  release(conn: PooledConnection<unknown>, point: ReleasePoint): Promise<void> | void {
    return this.apply(conn, this.decide(conn, point), point);
  }

  /** True once `markBroken(raw)` was called: the connection is destroyed when released. */
  isMarkedBroken(raw: unknown): boolean {
    return this.#broken.has(raw as object);
  }

  #isHealthy(raw: unknown): boolean {
    return !this.#broken.has(raw as object) && this.#adapter.isUsable(raw);
  }

  /**
   * Why an unhealthy connection is closed: `broken` when it is dead (a connection error, a closed
   * socket), `bad-state` when it is alive but cannot be reused as it is — a result left unread that
   * the driver cannot stop (a MySQL stream broken off), a cursor whose protocol state is unknown.
   */
  #unhealthyReason(raw: unknown): 'broken' | 'bad-state' {
    return this.#broken.has(raw as object) || this.#adapter.isBroken(raw, undefined) ? 'broken' : 'bad-state';
  }

  async #cleanThenGiveBack(conn: PooledConnection<unknown>, reset: boolean): Promise<void> {
    const raw = conn.raw;
    try {
      if (this.#adapter.transactionState(raw) !== 'idle') await this.#adapter.rollback(raw);
      if (this.#adapter.transactionState(raw) !== 'idle') throw new Error('still in a transaction after ROLLBACK');
      if (reset || conn.dirty) {
        await this.#adapter.reset(raw);
        conn.dirty = false;
      }
    } catch (error) {
      this.#logger.warn(`unipool: pool "${this.#alias}": a connection could not be cleaned before reuse and was destroyed: ${(error as Error)?.message ?? String(error)}`);
      this.#engine.destroy(conn, 'bad-state');
      return;
    }
    if (!this.#isHealthy(raw)) {
      this.#engine.destroy(conn, this.#unhealthyReason(raw));
      return;
    }
    this.#engine.release(conn);
  }
}
