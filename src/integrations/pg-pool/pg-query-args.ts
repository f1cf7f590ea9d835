import type { PgNativeResult } from '../../../adapters/postgres/index.js';
import { UnipoolError } from '../../errors.js';
import type { PgQueryInput } from './pg-pool-bridge.js';

/** pg's node-style query callback. */
export type PgQueryCallback = (error: Error | null, result?: PgNativeResult) => void;

/** `query()`'s arguments sorted out as pg does: `(query, values?, callback?)` or `(query, callback)`. */
export interface PgQueryArgs {
  readonly query: PgQueryInput;
  readonly values: unknown[] | undefined;
  readonly callback: PgQueryCallback | undefined;
  /** Set when the query cannot be run (it is then reported through the callback or the promise). */
  readonly error: UnipoolError | undefined;
}

/**
 * Sorts out pg's overloaded `query()` arguments. Submittables (`pg-cursor`, `pg-query-stream`) are
 * refused: they stream on the connection past the point where a statement ends.
 */
export function splitQueryArgs(query: unknown, values: unknown, callback: unknown): PgQueryArgs {
  let cb = typeof callback === 'function' ? (callback as PgQueryCallback) : undefined;
  let vals = values;
  if (typeof values === 'function') {
    cb = values as PgQueryCallback;
    vals = undefined;
  }
  let error: UnipoolError | undefined;
  if (typeof query === 'object' && query !== null && typeof (query as { submit?: unknown }).submit === 'function') {
    error = new UnipoolError('UNIPOOL_UNSUPPORTED', 'unipool: pgPool() does not run submittable queries (pg-cursor, pg-query-stream); use db.stream() for server-side cursors.');
  } else if (typeof query !== 'string' && (typeof query !== 'object' || query === null || typeof (query as { text?: unknown }).text !== 'string')) {
    error = new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `unipool: pgPool().query(): the query must be SQL text or a config object with a text property, got ${query === null ? 'null' : typeof query}`);
  }
  return { query: query as PgQueryInput, values: vals as unknown[] | undefined, callback: cb, error };
}
