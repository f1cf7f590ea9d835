import type { PgNativeResult } from '../../../adapters/postgres/index.js';
import { UnipoolError } from '../../errors.js';

/** pg's node-style query callback. */
export type PgQueryCallback = (error: Error | null, result?: PgNativeResult) => void;

/**
 * Why `query` cannot be run by `pgPool()`, or undefined when it is SQL text or a query config
 * object. Submittables (`pg-cursor`, `pg-query-stream`) are refused on the pool: they keep reading
 * from the connection after the statement's turn, past the point where it is given back (a client
 * from `connect()` runs them). Returns rather than
 * allocates for the common case: this is on every library query's path.
 */
export function queryProblem(query: unknown): UnipoolError | undefined {
  if (typeof query === 'string') return undefined;
  if (typeof query === 'object' && query !== null) {
    if (typeof (query as { submit?: unknown }).submit === 'function') {
      return new UnipoolError('UNIPOOL_UNSUPPORTED', 'unipool: pgPool().query() does not run submittable queries (pg-cursor, pg-query-stream): the connection would be given back while the cursor still reads from it. Run it on a client from pgPool().connect() (released once the cursor is closed), or use db.stream().');
    }
    if (typeof (query as { text?: unknown }).text === 'string') return undefined;
  }
  return new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `unipool: pgPool(): the query must be SQL text or a config object with a text property, got ${query === null ? 'null' : typeof query}`);
}

/**
 * The end of pg's `query()` in both its forms: the promise, or — given a callback — nothing, with
 * the outcome passed to the callback through `reporter.runCallback` (a callback that throws is
 * reported, never thrown into the pool).
 */
export function answerLikePg(promise: Promise<PgNativeResult>, callback: PgQueryCallback | undefined, reporter: { runCallback(callback: () => unknown, what: string): void }): Promise<PgNativeResult> | void {
  if (callback === undefined) return promise;
  promise.then(
    (result) => reporter.runCallback(() => callback(null, result), 'a pg query callback'),
    (error: unknown) => reporter.runCallback(() => callback(error as Error), 'a pg query callback'),
  );
}
