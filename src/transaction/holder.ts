import type { PooledConnection } from '../pool/pool-engine.js';
import { TransactionError, UnipoolError } from '../errors.js';
import type { AtomicBlock } from './atomic-block.js';

/** Why a connection is held rather than released after each statement. */
export type HolderKind = 'atomic' | 'session' | 'scope';

/**
 * A connection held by an async context: an `atomic()` or `session()` block, or a request scope.
 * Tracks the statements in flight on it so the block's end (COMMIT, reset, release) never overtakes
 * a statement the user did not await.
 */
export class Holder {
  readonly conn: PooledConnection<unknown>;
  readonly kind: HolderKind;
  /** The outermost atomic block running on this connection, if any. */
  atomic: AtomicBlock | undefined;
  /** `stream()` loops open on this connection: it can run nothing else until they end. */
  openStreams = 0;
  #nextSavepoint = 1;
  #ended = false;
  /** Statements started on the connection and not yet settled. */
  #inFlight = 0;
  /** Resolves `settle()`'s promise once `#inFlight` is back to 0 (set only while someone waits). */
  #drained: (() => void) | undefined = undefined;
  #drainedPromise: Promise<void> | undefined = undefined;

  constructor(conn: PooledConnection<unknown>, kind: HolderKind) {
    this.conn = conn;
    this.kind = kind;
  }

  /** The block (or scope) that held the connection has ended; it is given back or about to be. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The block (or scope) that held the connection has ended: any later statement through this holder throws. */
  markEnded(): void {
    this.#ended = true;
  }

  /** A fresh savepoint name; unique on this connection, a valid unquoted identifier everywhere. */
  nextSavepointName(): string {
    return `unipool_sp_${this.#nextSavepoint++}`;
  }

  /** Throws when the block that held the connection has ended (a promise not awaited inside it). */
  assertHeld(): void {
    if (this.#ended) {
      throw new TransactionError(
        'UNIPOOL_TX_ENDED',
        this.kind === 'scope'
          ? 'unipool: a statement ran after the request scope holding its transaction had ended (the response finished or the client went away); the transaction was rolled back, so this statement was not run'
          : `unipool: a statement ran after the ${this.kind}() block that held its connection had ended — await every query inside the block`,
      );
    }
  }

  /** Throws when a stream is open on the connection (a statement now would wait for the loop forever). */
  assertNotStreaming(): void {
    if (this.openStreams > 0) {
      throw new UnipoolError('UNIPOOL_CONNECTION_BUSY', 'unipool: a stream() loop is still open on this connection, so a statement now would wait for the loop forever — finish (or break out of) the loop first, or collect the rows you need and query after it');
    }
  }

  /** A statement is in flight on the connection (one started and not awaited yet). */
  get busy(): boolean {
    return this.#inFlight > 0;
  }

  /** A statement starts on this connection; call `leave()` exactly once when it settles. */
  enter(): void {
    this.#inFlight += 1;
  }

  /** The statement begun with `enter()` has settled. */
  leave(): void {
    this.#inFlight -= 1;
    if (this.#inFlight === 0 && this.#drained !== undefined) {
      const drained = this.#drained;
      this.#drained = undefined;
      this.#drainedPromise = undefined;
      drained();
    }
  }

  /** Runs `work` as a statement on this connection, tracked until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    this.enter();
    const leave = (): void => this.leave();
    work.then(leave, leave);
    return work;
  }

  /** Waits until no statement is in flight on the connection (at once when none is: `await` it only when `busy`). */
  settle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    this.#drainedPromise ??= new Promise<void>((resolve) => {
      this.#drained = resolve;
    });
    return this.#drainedPromise;
  }
}
