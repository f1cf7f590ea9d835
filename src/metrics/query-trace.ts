import type { Engine, QueryParams, QueryResult } from '../adapter.js';

/** Why the connection a traced statement runs on is held: `none` for a statement that borrowed it alone. */
export type QueryHeld = 'none' | 'atomic' | 'session' | 'scope';

/**
 * The context object of the `unipool:query` tracing channel. Subscribers get the same object at
 * `start`, `end`, `asyncStart`, `asyncEnd` and `error`; Node sets `result` or `error` on it when the
 * statement settles, so a tracer can keep a span on it (or in an `AsyncLocalStorage` bound with
 * `bindStore`). Parameter values are deliberately absent: they are user data.
 */
export interface QueryTraceContext {
  readonly alias: string;
  readonly engine: Engine;
  readonly connectionId: number;
  /** The statement as sent to the driver, with the engine's placeholders. */
  readonly sql: string;
  /** How many values are bound (array length, or the number of named parameters). */
  readonly paramCount: number;
  readonly held: QueryHeld;
  result?: QueryResult;
  error?: unknown;
}

/** Builds the tracing context of one statement (only called when the channel has subscribers). */
export function queryTraceContext(alias: string, engine: Engine, connectionId: number, sql: string, params: QueryParams | undefined, held: QueryHeld): QueryTraceContext {
  const paramCount = params === undefined ? 0 : Array.isArray(params) ? params.length : Object.keys(params).length;
  return { alias, engine, connectionId, sql, paramCount, held };
}
