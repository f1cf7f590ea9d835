import type { PgClient } from './postgres-driver-types.js';
import { isConnectionError } from './postgres-errors.js';
import type { PgStatementCache } from './postgres-statement-cache.js';

/** What the adapter tracks about one `pg.Client` beyond what pg itself records. */
export interface PgConnectionState {
  /** pg emitted `error` on the client: the socket is dead even if pg's own flags lag behind. */
  broken: boolean;
  /** `onBroken` was already called; pg can emit `error` twice for one death (ErrorResponse, then close). */
  reportedBroken: boolean;
  /**
   * A statement changed session state where no result could report it (a multi-statement query
   * that failed after it, or a `stream()`); the connection must not be reused without a reset.
   */
  unreportedSessionState: string | undefined;
  /** Adapter calls started and not yet finished (running or waiting their turn). */
  pending: number;
  /**
   * Of `pending`, the pipelined statements (`pipeline`): sent without a turn of their own, behind
   * one another. While any is in flight pg runs the client in its pipeline mode.
   */
  pipelined: number;
  /** Starts of the calls waiting for their turn, oldest first. */
  readonly waiting: (() => void)[];
  /** `int64: 'number'`: results with int8 columns are checked for values a number cannot hold. */
  checkInt64: boolean;
  /** Named prepared statements (`statementCacheSize`); undefined when the cache is off. */
  statements: PgStatementCache | undefined;
  /**
   * A transaction begun and not yet sent (`BEGIN …` text): it goes to the server with the
   * transaction's first statement — in the same write when that statement is a described cached
   * one, otherwise just before it (see `takeTurn`). Undefined when none is pending.
   */
  deferredBegin: string | undefined;
}

// Kept on the client under a symbol: the object handed to the core stays the plain `pg.Client`
// (nothing of pg's is shadowed), and the lookup — on every query — is a property read rather than
// a WeakMap probe.
const STATE = Symbol('unipool.pgState');
type WithState = PgClient & { [STATE]?: PgConnectionState };

/** The adapter's state for `client`, created on first use. */
export function connectionState(client: PgClient): PgConnectionState {
  let state = (client as WithState)[STATE];
  if (state === undefined) {
    state = { broken: false, reportedBroken: false, unreportedSessionState: undefined, pending: 0, pipelined: 0, waiting: [], checkInt64: false, statements: undefined, deferredBegin: undefined };
    (client as WithState)[STATE] = state;
  }
  return state;
}

/**
 * Runs `task` once every call started before it on this client has finished. pg 8 queues a query
 * sent while another runs, but warns that this is deprecated and will be removed in pg 9, so the
 * adapter keeps its own turn order. `task` receives `done` and must call it exactly once — a
 * stream calls it only when its cursor is closed. A deferred BEGIN is sent first, unless the task
 * says it sends (or drops) it itself (`handlesBegin`).
 */
export function takeTurn<T>(client: PgClient, task: (done: () => void) => Promise<T>, handlesBegin = false): Promise<T> {
  const state = connectionState(client);
  const done = turnEnder(state);
  // The common case (nobody ahead) starts at once, with no promise of its own: this is on every query's path.
  if (state.pending++ === 0) return startTurn(client, state, task, done, handlesBegin);
  return new Promise<void>((start) => state.waiting.push(start)).then(() => startTurn(client, state, task, done, handlesBegin));
}

/** The turn's task, after the deferred BEGIN unless the task handles it; a failed BEGIN fails the task, whose turn ends. */
function startTurn<T>(client: PgClient, state: PgConnectionState, task: (done: () => void) => Promise<T>, done: () => void, handlesBegin: boolean): Promise<T> {
  const begin = state.deferredBegin;
  if (handlesBegin || begin === undefined) return task(done);
  state.deferredBegin = undefined;
  return sendBegin(client, begin).then(
    () => task(done),
    (error: unknown) => {
      done();
      throw error;
    },
  );
}

/** Sends a BEGIN now (in the caller's turn); after a server error, resolves only once the connection is ready again. */
export async function sendBegin(client: PgClient, sql: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (error) {
    if (!isConnectionError(error)) await untilReadyForQuery(client);
    throw error;
  }
}

/**
 * The `done` of one turn: idempotent, it lets the next waiter start. Made here, not as a named
 * arrow inside `takeTurn()`: run from TypeScript source (tsx, as the benchmarks are), every named
 * function expression is followed by a `defineProperty` of its name, on every query.
 */
function turnEnder(state: PgConnectionState): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    state.pending--;
    state.waiting.shift()?.();
  };
}

/** Runs a one-shot `task` in turn (see `takeTurn`); the turn ends when the task settles. */
export function inTurn<T>(client: PgClient, task: () => Promise<T>, handlesBegin = false): Promise<T> {
  return takeTurn(
    client,
    async (done) => {
      try {
        return await task();
      } finally {
        done();
      }
    },
    handlesBegin,
  );
}

/** True while pg still considers the client open and able to take queries (`state`: the client's, when the caller has it). */
export function isOpen(client: PgClient, state: PgConnectionState = connectionState(client)): boolean {
  return !(client._ending === true || client._ended === true || client._queryable === false || state.broken);
}

/**
 * Resolves once the client has received ReadyForQuery, or has died. After an error in the extended
 * protocol pg rejects the query as soon as the ErrorResponse arrives, before the Sync's
 * ReadyForQuery; until then the transaction status it reports is stale.
 */
export function untilReadyForQuery(client: PgClient): Promise<void> {
  if (client.readyForQuery !== false || !isOpen(client)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      client.connection.removeListener('readyForQuery', done);
      client.connection.removeListener('end', done);
      resolve();
    };
    client.connection.once('readyForQuery', done);
    client.connection.once('end', done);
  });
}

/** Forgets pg's client-side record of named prepared statements (after the server dropped them all). */
export function forgetNamedStatements(client: PgClient): void {
  const wire = client.connection;
  // pg checks these maps before sending Parse; stale entries make a named query fail with
  // "prepared statement … does not exist".
  if (wire.parsedStatements !== undefined) wire.parsedStatements = {};
  if (wire.submittedNamedStatements !== undefined) wire.submittedNamedStatements = {};
  connectionState(client).statements?.clear();
}
