import type { Adapter, AdapterResult, BeginOptions, IsolationLevel, QueryParams, Row, SessionStateChange, TransactionState } from '../../src/adapter.js';
import { TransactionError, UnipoolError } from '../../src/errors.js';
import { checkBatchSize } from '../../src/stream-batch-size.js';
import { connectPostgres } from './connect-postgres.js';
import { postgresDriver } from './load-postgres-driver.js';
import { postgresCapabilities } from './postgres-capabilities.js';
import { postgresNotifications } from './postgres-notifications.js';
import { connectionState, forgetNamedStatements, inTurn, isOpen, sendBegin, takeTurn, untilReadyForQuery } from './postgres-connection-state.js';
import type { PgClient, PgFieldDescription, PgModule, PgQueryCallback, PgResult } from './postgres-driver-types.js';
import { isConnectionError, isStatementTimeout, postgresConnectFailureKind } from './postgres-errors.js';
import { checkInt8Fields } from './postgres-int64.js';
import { checkPostgresValues } from './postgres-values.js';
import { STALE_IN_TRANSACTION_HINT, type PgStatementCache } from './postgres-statement-cache.js';
import { dropsAllPreparedStatements, sessionStateOfAll } from './postgres-session-state.js';
import { taggedQueryClass, type TaggedQuery } from './postgres-tagged-query.js';
import { quoteIdentifier } from './quote-postgres-identifier.js';
import { postgresServerReadOnly, postgresSessionAttributes } from './postgres-server-role.js';
import { checkPipelinedStatus, endPipelined, pipelinedName, startPipelined } from './postgres-pipeline.js';
import { streamRows } from './postgres-stream.js';
import { describedQueryClass, describeResult, type PgStatementDescription } from './postgres-described-query.js';

/** A PostgreSQL connection as unipool holds it: the plain `pg.Client` (typed structurally). */
export type PgConnection = PgClient;

const ISOLATION_SQL: Readonly<Record<IsolationLevel, string>> = {
  'read uncommitted': 'READ UNCOMMITTED',
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
};

// Set by the first load, so the per-query path does not await the loader again.
let loadedPg: PgModule | undefined;
async function pgModule(): Promise<PgModule> {
  loadedPg ??= await postgresDriver.pg();
  return loadedPg;
}

function toValues(params: QueryParams | undefined, where: string): unknown[] | undefined {
  if (params === undefined) return undefined;
  if (Array.isArray(params)) {
    checkPostgresValues(params);
    return params as unknown[];
  }
  throw new UnipoolError(
    'UNIPOOL_UNSUPPORTED',
    `postgres: ${where} received named parameters (an object); PostgreSQL binds by position. Write $1, $2 … in the SQL and pass an array.`,
  );
}

/**
 * Runs one query in the caller's turn and records the full command tag of each statement. The turn
 * ends (`done`) only once the connection is ready again: after an error, pg rejects on the
 * ErrorResponse, and the ReadyForQuery that follows — carrying the new transaction status, E
 * inside a transaction — may arrive in a later packet. Not after a connection error: after pg's
 * query_timeout the statement may still be running, and waiting for it would defeat the timeout.
 * Callbacks rather than awaits, and the result shaped (`settle`) before the promise resolves: this
 * is the path every statement takes, and it costs one promise.
 */
function run<T>(
  client: PgClient,
  pg: PgModule,
  sql: string | object,
  values: unknown[] | undefined,
  done: () => void,
  settle: (client: PgClient, result: PgResult | PgResult[] | undefined, query: TaggedQuery) => T,
  fail: (client: PgClient, error: Error, query: TaggedQuery) => unknown = (_client, error) => error,
  name?: string,
  retry?: (client: PgClient, pg: PgModule, sql: string, values: unknown[] | undefined, done: () => void, name: string, error: Error) => Promise<T> | undefined,
  description?: PgStatementDescription,
  begin?: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let failed = false;
    // Passed as an argument, not bound to a name: run from TypeScript source (tsx, as the
    // benchmarks are), a named function expression costs a defineProperty of its name per query.
    const query = newQuery(pg, sql, values, name, description, begin, (error, result) => {
      // After an error pg raises itself before sending the query (a value prepareValue cannot
      // encode), pg calls back again at the next ReadyForQuery, with no error and an empty result:
      // that second call must not turn the failure into a silent success.
      if (failed) return;
      if (!error) {
        done();
        let settled;
        try {
          settled = settle(client, result, query);
        } catch (settleError) {
          reject(settleError);
          return;
        }
        resolve(settled);
      } else if (isConnectionError(error)) {
        failed = true;
        done();
        reject(fail(client, error, query));
      } else {
        failed = true;
        void untilReadyForQuery(client).then(() => {
          // A cached statement that went stale runs again, unnamed, in the same turn.
          const again = name === undefined || typeof sql !== 'string' ? undefined : retry?.(client, pg, sql, values, done, name, error);
          if (again !== undefined) {
            again.then(resolve, reject);
            return;
          }
          done();
          reject(fail(client, error, query));
        });
      }
    });
    client.query(query);
  });
}

/**
 * The pg query `run()` sends: a described cached statement's run (values already encoded, no
 * Describe; `begin`: a deferred BEGIN written ahead of it), or pg's own `Query`.
 */
function newQuery(pg: PgModule, sql: string | object, values: unknown[] | undefined, name: string | undefined, description: PgStatementDescription | undefined, begin: string | undefined, callback: PgQueryCallback): TaggedQuery {
  if (description !== undefined && name !== undefined && typeof sql === 'string') return new (describedQueryClass(pg.Query))(sql, name, values ?? [], description, callback, begin);
  const query = new (taggedQueryClass(pg.Query))(sql, values, callback);
  // Read by pg when it sends the query: a named statement is parsed once per connection.
  if (name !== undefined) (query as TaggedQuery & { name?: string }).name = name;
  return query;
}

/** How a cached run shapes its result: the adapter's own (`query()`), or pg's (`runQueryConfig()`, for `db.pgPool()`). */
interface CachedRunShape<T> {
  readonly settle: (client: PgClient, result: PgResult | PgResult[] | undefined, query: TaggedQuery) => T;
  /** `settle` for a named run that starts outside a transaction while pipelining is on: it also teaches the cache. */
  readonly learned: (client: PgClient, result: PgResult | PgResult[] | undefined, query: TaggedQuery) => T;
  readonly retry: (client: PgClient, pg: PgModule, sql: string, values: unknown[] | undefined, done: () => void, name: string, error: Error) => Promise<T> | undefined;
  /** Runs of a statement whose result description is known send no Describe (`DescribedQuery`): true for the adapter's own result shape. */
  readonly reusesDescriptions: boolean;
}

/**
 * A user statement with parameters, run from the connection's statement cache: under its name when
 * cached (or cacheable), after any DEALLOCATE that is due, unnamed otherwise.
 */
function runCached<T>(client: PgClient, pg: PgModule, cache: PgStatementCache, sql: string, values: unknown[], done: () => void, shape: CachedRunShape<T>): Promise<T> {
  const begin = connectionState(client).deferredBegin;
  if (begin !== undefined) return runCachedFirstInTransaction(client, pg, cache, sql, values, done, shape, begin);
  const probe = cache.probeSql();
  if (probe !== undefined && client.getTransactionStatus() !== 'E') {
    return probeServer(client, probe).then((pid) => {
      cache.probed(client, pid);
      // Unanswered (asked again next time): this statement runs unnamed.
      return pid === undefined ? run(client, pg, sql, values, done, shape.settle, queryFailure) : runCached(client, pg, cache, sql, values, done, shape);
    });
  }
  const drops = cache.takeDrops(client);
  if (drops !== undefined) {
    // A DEALLOCATE that fails (the statement is already gone) changes nothing worth reporting.
    const next = (): Promise<T> => runCached(client, pg, cache, sql, values, done, shape);
    return execute(client, drops).then(next, next);
  }
  const name = cache.nameFor(client, sql);
  // With pipelining on, a named run that starts outside a transaction teaches the cache whether
  // the statement may share the connection later (`learnedResult`).
  const settle = name !== undefined && cache.learnsPipelining && client.getTransactionStatus() === 'I' ? shape.learned : shape.settle;
  const description = name !== undefined && shape.reusesDescriptions ? cache.descriptionOf(name) : undefined;
  if (description === undefined) return run(client, pg, sql, values, done, settle, queryFailure, name, shape.retry);
  const encoded = encodeValues(pg, values);
  if (encoded instanceof Error) {
    done();
    return Promise.reject(encoded);
  }
  return run(client, pg, sql, encoded, done, settle, queryFailure, name, shape.retry, description);
}

/**
 * The first statement of a transaction whose BEGIN was deferred. A described cached statement
 * carries the BEGIN in its own write: Parse/Bind/Execute of the BEGIN with no Sync of its own, so
 * if the BEGIN fails the server skips the statement too (nothing runs outside the transaction),
 * and the transaction costs one round trip less. Any other statement runs after the BEGIN.
 */
function runCachedFirstInTransaction<T>(client: PgClient, pg: PgModule, cache: PgStatementCache, sql: string, values: unknown[], done: () => void, shape: CachedRunShape<T>, begin: string): Promise<T> {
  const state = connectionState(client);
  state.deferredBegin = undefined;
  const name = shape.reusesDescriptions ? cache.cachedName(sql) : undefined;
  const description = name === undefined ? undefined : cache.descriptionOf(name);
  if (description === undefined) {
    return sendBegin(client, begin).then(
      () => runCached(client, pg, cache, sql, values, done, shape),
      (error: unknown) => {
        done();
        throw error;
      },
    );
  }
  const encoded = encodeValues(pg, values);
  if (encoded instanceof Error) {
    // Nothing was sent: the transaction is still to begin.
    state.deferredBegin = begin;
    done();
    return Promise.reject(encoded);
  }
  return run(client, pg, sql, encoded, done, shape.settle, queryFailure, name, shape.retry, description, begin);
}

/**
 * The values as pg's Bind encodes them (text, Buffer or null), for a `DescribedQuery`, which writes
 * its Bind itself: a value pg cannot encode is an error before anything is sent.
 */
function encodeValues(pg: PgModule, values: readonly unknown[]): unknown[] | Error {
  const prepareValue = pg.utils?.prepareValue;
  if (prepareValue === undefined) return new UnipoolError('UNIPOOL_UNSUPPORTED', 'postgres: this pg has no utils.prepareValue (pg 8.x has); cached statements cannot be sent');
  try {
    return values.map((value) => prepareValue(value));
  } catch (error) {
    return error as Error;
  }
}

/** `queryResult` of a cached statement's run, whose result description is kept for the statement's later runs. */
function describingResult(client: PgClient, result: PgResult | PgResult[] | undefined, query: TaggedQuery): AdapterResult {
  const adapterResult = queryResult(client, result, query);
  keepDescription(client, result, query);
  return adapterResult;
}

/**
 * Keeps the result description of a named single-statement run (once per statement and
 * connection): its later runs send no Describe and reuse it.
 */
function keepDescription(client: PgClient, result: PgResult | PgResult[] | undefined, query: TaggedQuery): void {
  // A described run already used the kept description: nothing to look up (every pipelined statement passes here).
  if ((query as { description?: unknown }).description !== undefined) return;
  const { name, text } = query as TaggedQuery & { name?: string; text?: string };
  const cache = connectionState(client).statements;
  if (name === undefined || text === undefined || cache === undefined || cache.descriptionOf(name) !== undefined) return;
  if (result === undefined || Array.isArray(result) || query.tags.length !== 1) return;
  const description = describeResult(result, query.tags[0]?.described === true);
  if (description !== undefined) cache.described(text, name, description);
}

/** `describingResult`, and what the run taught: clean when it ended outside a transaction and changed no session state. */
function learnedResult(client: PgClient, result: PgResult | PgResult[] | undefined, query: TaggedQuery): AdapterResult {
  const adapterResult = describingResult(client, result, query);
  const name = (query as TaggedQuery & { name?: string }).name;
  if (name !== undefined) connectionState(client).statements?.learned(name, client.getTransactionStatus() === 'I' && adapterResult.sessionState === undefined);
  return adapterResult;
}

/**
 * A statement `pipelinedName()` allowed, sent at once behind those in flight (pg's pipeline mode:
 * Bind/Execute/Sync of the cached statement, and a Describe only while its result description is
 * not yet known; no turn of its own). Its ReadyForQuery status
 * is checked whether it succeeded or failed; a stale statement runs again, unnamed, in the pipeline.
 */
function queryPipelined(client: PgClient, sql: string, params: QueryParams | undefined): Promise<AdapterResult> {
  const pg = loadedPg;
  const name = pipelinedName(client, sql, params);
  // The core asks pipelinedName() first, in the same tick; this covers a caller that did not (and a
  // pg without utils): the statement then waits for its turn, after those in flight.
  if (pg?.utils?.prepareValue === undefined || name === undefined) return postgresAdapter.query(client, sql, params);
  let values;
  try {
    values = toValues(params, 'query()') as unknown[];
  } catch (error) {
    return Promise.reject(error);
  }
  // Encoded here, as pg's Bind would: a value pg cannot encode fails while nothing is sent. Left
  // to pg, that failure is reported at once but the Close/Sync pg writes instead is answered only
  // after the statements ahead, so the statement would end before its own ReadyForQuery.
  const encoded = encodeValues(pg, values);
  if (encoded instanceof Error) return Promise.reject(encoded);
  const state = startPipelined(client);
  const description = state.statements?.descriptionOf(name);
  return run(client, pg, sql, encoded, () => endPipelined(client, state), pipelinedResult, pipelinedFailure, name, retryStalePipelined, description);
}

function pipelinedResult(client: PgClient, result: PgResult | PgResult[] | undefined, query: TaggedQuery): AdapterResult {
  const outside = checkPipelinedStatus(client);
  if (outside !== undefined) throw outside;
  const adapterResult = describingResult(client, result, query);
  // Cannot happen for a statement learned clean (its tags do not change); if it does, never again.
  const name = (query as TaggedQuery & { name?: string }).name;
  if (adapterResult.sessionState !== undefined && name !== undefined) connectionState(client).statements?.learned(name, false);
  return adapterResult;
}

function pipelinedFailure(client: PgClient, error: Error, query: TaggedQuery): unknown {
  // Reported as the statement's own error either way; the check marks the connection for destruction.
  if (!isConnectionError(error)) checkPipelinedStatus(client);
  return queryFailure(client, error, query);
}

/** The `pid` the probe statement returned, or undefined when it failed (the connection's own error handling follows). */
async function probeServer(client: PgClient, sql: string): Promise<unknown> {
  try {
    const result = (await client.query(sql)) as PgResult;
    return result.rows[0]?.['pid'];
  } catch (error) {
    if (!isConnectionError(error)) await untilReadyForQuery(client);
    return undefined;
  }
}

/**
 * A cached statement failed: when it went stale (DDL changed its result type, or the server lost
 * it) outside a transaction, it runs once more unnamed — it did not run the first time, the server
 * refused it before executing. Inside a transaction (now aborted) the error reaches the caller,
 * with a hint saying why.
 */
function retryStale(client: PgClient, pg: PgModule, sql: string, values: unknown[] | undefined, done: () => void, name: string, error: Error): Promise<AdapterResult> | undefined {
  if (!mayRetryStale(client, sql, name, error)) return undefined;
  return run(client, pg, sql, values, done, queryResult, queryFailure);
}

/** `retryStale` for `runQueryConfig()`: pg's own result. */
function retryStaleNative(client: PgClient, pg: PgModule, sql: string, values: unknown[] | undefined, done: () => void, name: string, error: Error): Promise<PgNativeResult | SessionChangingResult> | undefined {
  if (!mayRetryStale(client, sql, name, error)) return undefined;
  return run(client, pg, sql, values, done, nativeResult, queryFailure);
}

/** `retryStale` for a pipelined statement: the unnamed run joins the pipeline, its status checked too. */
function retryStalePipelined(client: PgClient, pg: PgModule, sql: string, values: unknown[] | undefined, done: () => void, name: string, error: Error): Promise<AdapterResult> | undefined {
  if (!mayRetryStale(client, sql, name, error)) return undefined;
  return run(client, pg, sql, values, done, pipelinedResult, pipelinedFailure);
}

function mayRetryStale(client: PgClient, sql: string, name: string, error: Error): boolean {
  const cache = connectionState(client).statements;
  if (cache === undefined || !cache.isStale(client, sql, name, error)) return false;
  if (client.getTransactionStatus() !== 'I') {
    const withHint = error as Error & { hint?: string };
    withHint.hint ??= STALE_IN_TRANSACTION_HINT;
    return false;
  }
  return true;
}

/** A user statement's result: rows, count and fields, and the session state it changed. */
function queryResult(client: PgClient, result: PgResult | PgResult[] | undefined, query: TaggedQuery): AdapterResult {
  const tags = query.tags;
  if (dropsAllPreparedStatements(tags)) forgetNamedStatements(client);
  const adapterResult = toAdapterResult(result);
  const sessionState = sessionStateOfAll(tags);
  if (sessionState !== undefined) adapterResult.sessionState = sessionState;
  if (connectionState(client).checkInt64) {
    const last = lastResult(result);
    try {
      if (last !== undefined) checkInt8Fields(last.rows, last.fields);
    } catch (error) {
      // No result will report the session change: the connection must not be reused unreset.
      if (sessionState !== undefined) connectionState(client).unreportedSessionState ??= sessionState.statement;
      throw error;
    }
  }
  return adapterResult;
}

/**
 * A user statement's failure. Statements before the failing one in a multi-statement query may
 * have changed session state; no result can report it, so the connection must be reset before reuse.
 */
function queryFailure(client: PgClient, error: Error, query: TaggedQuery): Error {
  const change = sessionStateOfAll(query.tags);
  if (change !== undefined) connectionState(client).unreportedSessionState ??= change.statement;
  return error;
}

/** The last result: a multi-statement simple query answers with one result per statement. */
function lastResult(result: PgResult | readonly PgResult[] | undefined): PgResult | undefined {
  return Array.isArray(result) ? (result[result.length - 1] as PgResult | undefined) : (result as PgResult | undefined);
}

/** A statement the adapter issues itself (transaction control, reset); the caller holds the turn. */
async function execute(client: PgClient, sql: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (error) {
    if (!isConnectionError(error)) await untilReadyForQuery(client);
    throw error;
  }
}

/**
 * A statement the adapter issues itself, in its own turn: transaction control and savepoints run in
 * every atomic(), so they take the query path (one promise) rather than pg's promise API. `check`
 * may reject the result (COMMIT answered with ROLLBACK).
 */
function executeInTurn(client: PgClient, sql: string, check: (client: PgClient, result: PgResult | PgResult[] | undefined) => void = ignoreResult): Promise<void> {
  const pg = loadedPg;
  if (pg === undefined) return pgModule().then(() => executeInTurn(client, sql, check));
  return takeTurn(client, (done) => run(client, pg, sql, undefined, done, check));
}

/**
 * COMMIT or ROLLBACK: when the transaction's BEGIN is still deferred and nothing is queued on the
 * connection, the transaction ran no statement, so nothing is sent at all.
 */
function endTransaction(client: PgClient, sql: 'COMMIT' | 'ROLLBACK', check?: (client: PgClient, result: PgResult | PgResult[] | undefined) => void): Promise<void> {
  const state = connectionState(client);
  if (state.deferredBegin !== undefined && state.pending === 0) {
    state.deferredBegin = undefined;
    return Promise.resolve();
  }
  return executeInTurn(client, sql, check);
}

function ignoreResult(): void {}

/**
 * COMMIT of an aborted transaction is not an error in PostgreSQL: the server rolls back and answers
 * with the tag ROLLBACK. Silently reporting success would lose the writes unnoticed.
 */
function commitResult(_client: PgClient, result: PgResult | PgResult[] | undefined): void {
  if (lastResult(result)?.command === 'ROLLBACK') {
    throw new TransactionError(
      'UNIPOOL_TX_ABORTED',
      'postgres: COMMIT found the transaction aborted by an earlier failed statement, so the server rolled it back; nothing was committed. Let the error propagate out of atomic(), or wrap the statement that may fail in a nested atomic() (a savepoint) to continue after it.',
    );
  }
}

/** The status byte of the last ReadyForQuery, as the server sent it; a deferred BEGIN counts as a transaction begun. */
function transactionStateOf(conn: PgClient): TransactionState {
  const status = conn.getTransactionStatus();
  if (status === 'T') return 'active';
  if (status === 'E') return 'failed';
  return connectionState(conn).deferredBegin === undefined ? 'idle' : 'active';
}

function toAdapterResult(result: PgResult | readonly PgResult[] | undefined): AdapterResult {
  // A multi-statement simple query answers with one result per statement; like most drivers'
  // single-result APIs we return the last one.
  const last = lastResult(result);
  if (last === undefined) return { rows: [], rowCount: 0, fields: [] };
  const fields = last.fields;
  const described = new Array<{ name: string; type: number }>(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as PgFieldDescription;
    described[i] = { name: field.name, type: field.dataTypeID };
  }
  return { rows: last.rows, rowCount: last.rowCount ?? last.rows.length, fields: described };
}

/** The PostgreSQL adapter, on `pg` (and `pg-cursor` for `stream()`), both loaded on first use. */
export const postgresAdapter: Adapter<PgConnection> = Object.freeze<Adapter<PgConnection>>({
  engine: 'postgres',
  driverPackage: 'pg',
  capabilities: postgresCapabilities,
  notifications: postgresNotifications,
  pipeline: Object.freeze({
    accepts: (conn: PgClient, sql: string, params: QueryParams | undefined) => pipelinedName(conn, sql, params) !== undefined,
    query: queryPipelined,
  }),

  placeholder(n: number): string {
    return `$${n}`;
  },

  quoteIdentifier,

  async connect(settings, context) {
    return connectPostgres(await pgModule(), settings, context);
  },

  connectFailureKind: postgresConnectFailureKind,

  sessionAttributes: (conn) => postgresSessionAttributes(conn, (sql) => postgresAdapter.query(conn, sql)),

  serverReadOnly: (conn, error) => postgresServerReadOnly(conn, error, () => transactionStateOf(conn) === 'idle'),

  async close(conn) {
    await conn.end();
  },

  query(conn, sql, params) {
    const pg = loadedPg;
    // Loaded by connect() already; the first query of a test double may come first.
    if (pg === undefined) return pgModule().then(() => postgresAdapter.query(conn, sql, params));
    let values;
    try {
      values = toValues(params, 'query()');
    } catch (error) {
      return Promise.reject(error);
    }
    // Only statements with parameters are named: they use the extended protocol already (which
    // allows one statement per query), where a multi-statement text without them may not.
    const cache = values !== undefined && values.length > 0 ? connectionState(conn).statements : undefined;
    // A deferred BEGIN is runCached's to send: with a described statement it shares its write.
    if (cache !== undefined) return takeTurn(conn, (done) => runCached(conn, pg, cache, sql, values as unknown[], done, ADAPTER_RUN), true);
    return takeTurn(conn, (done) => run(conn, pg, sql, values, done, queryResult, queryFailure));
  },

  async ping(conn) {
    // An empty query is answered with EmptyQueryResponse + ReadyForQuery: no parse, no plan.
    await executeInTurn(conn, '');
  },

  reset(conn) {
    // The task handles a deferred BEGIN: it is simply dropped.
    const task = async (): Promise<void> => {
      connectionState(conn).deferredBegin = undefined;
      // DISCARD ALL cannot run inside a transaction block.
      if (transactionStateOf(conn) !== 'idle') await execute(conn, 'ROLLBACK');
      await execute(conn, 'DISCARD ALL');
      // DISCARD ALL deallocated every prepared statement; pg would otherwise skip the Parse of a
      // named query it believes is still prepared.
      forgetNamedStatements(conn);
      // UNLISTEN * ran server-side; drop the JS listeners a session attached too.
      conn.removeAllListeners('notification');
      connectionState(conn).unreportedSessionState = undefined;
    };
    return inTurn(conn, task, true);
  },

  transactionState: transactionStateOf,

  isStatementTimeout,

  isBroken(conn, error) {
    return !isOpen(conn) || isConnectionError(error);
  },

  isUsable(conn) {
    // Runs twice per query (on borrow and on return): one state lookup, cheapest checks first.
    const state = connectionState(conn);
    return (
      state.pending === 0 &&
      state.unreportedSessionState === undefined &&
      conn.readyForQuery === true &&
      isOpen(conn, state) &&
      (conn._queryQueue?.length ?? 0) === 0 &&
      (conn._getActiveQuery?.() ?? null) === null
    );
  },

  begin(conn, options: BeginOptions) {
    let sql = 'BEGIN';
    if (options.isolation !== undefined) {
      const level = ISOLATION_SQL[options.isolation];
      if (level === undefined) {
        return Promise.reject(new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `postgres: unknown isolation level ${JSON.stringify(options.isolation)}; expected one of ${Object.keys(ISOLATION_SQL).join(', ')}.`));
      }
      sql += ` ISOLATION LEVEL ${level}`;
    }
    if (options.readOnly === true) sql += ' READ ONLY';
    // Sent with the transaction's first statement (see PgConnectionState.deferredBegin) — unless
    // calls are queued on the connection (they were made before the BEGIN and must run before
    // it) or the connection is not plainly idle, where it is sent now, as asked.
    const state = connectionState(conn);
    if (state.pending === 0 && conn.getTransactionStatus() === 'I' && isOpen(conn, state)) {
      state.deferredBegin = sql;
      return Promise.resolve();
    }
    return executeInTurn(conn, sql);
  },

  commit: (conn) => endTransaction(conn, 'COMMIT', commitResult),

  rollback: (conn) => endTransaction(conn, 'ROLLBACK'),

  async savepoint(conn, name) {
    await executeInTurn(conn, `SAVEPOINT ${quoteIdentifier(name)}`);
  },

  async releaseSavepoint(conn, name) {
    await executeInTurn(conn, `RELEASE SAVEPOINT ${quoteIdentifier(name)}`);
  },

  async rollbackToSavepoint(conn, name) {
    await executeInTurn(conn, `ROLLBACK TO SAVEPOINT ${quoteIdentifier(name)}`);
  },

  stream(conn, sql, params, { batchSize }): AsyncIterableIterator<Row> {
    return (async function* () {
      // pg-cursor would read the whole result for 0 (Execute with no row limit).
      checkBatchSize(batchSize, 'postgres: stream()');
      yield* streamRows(conn, postgresDriver.cursor, sql, toValues(params, 'stream()'), batchSize);
    })();
  },
});

/** pg's own result for one query: one `Result`, or one per statement of a multi-statement simple query. */
export type PgNativeResult = PgResult | PgResult[];

/** A native result whose statement changed session state (rare: the common result is pg's own object, unwrapped). */
export class SessionChangingResult {
  constructor(
    readonly result: PgNativeResult,
    readonly sessionState: SessionStateChange,
  ) {}
}

function nativeResult(client: PgClient, result: PgNativeResult | undefined, query: TaggedQuery): PgNativeResult | SessionChangingResult {
  const tags = query.tags;
  if (dropsAllPreparedStatements(tags)) forgetNamedStatements(client);
  const sessionState = sessionStateOfAll(tags);
  const native = result ?? [];
  return sessionState === undefined ? native : new SessionChangingResult(native, sessionState);
}

/**
 * Runs a query as `pg.Pool#query()` receives it — SQL text, or a config object with `name`,
 * `rowMode`, `types` — in the connection's turn, with the same tag recording as `query()`, and
 * resolves pg's own result: `db.pgPool()`'s callers (Drizzle, Prisma, Kysely…) read pg's shape.
 */
export function runQueryConfig(conn: PgClient, query: string | object, values: unknown[] | undefined): Promise<PgNativeResult | SessionChangingResult> {
  const pg = loadedPg;
  if (pg === undefined) return pgModule().then(() => runQueryConfig(conn, query, values));
  // SQL text with parameters (what Kysely sends, and knex as `{ text, values }`) runs from the
  // connection's statement cache, as `db.query()` does: parsed and planned once per connection
  // rather than on every run, which pg.Pool cannot do (its queries are unnamed unless the caller
  // names them). A config object with anything more (its own name, row mode, types) is sent as given.
  const text = typeof query === 'string' ? query : plainConfigText(query);
  const params = typeof query === 'string' || values !== undefined ? values : (query as { values?: unknown[] }).values;
  const cache = text !== undefined && Array.isArray(params) && params.length > 0 ? connectionState(conn).statements : undefined;
  if (cache !== undefined) return takeTurn(conn, (done) => runCached(conn, pg, cache, text as string, params as unknown[], done, NATIVE_RUN));
  return takeTurn(conn, (done) => run(conn, pg, query, values, done, nativeResult, queryFailure));
}

/**
 * The text of a pg query config that is nothing but `{ text, values }` (knex's form), or undefined:
 * any other option pg reads (`name`, `rowMode`, `types`, `binary`, `portal`, `rows`, `queryMode`,
 * `callback`) asks for something a cached name must not override.
 */
function plainConfigText(query: object): string | undefined {
  const config = query as { text?: unknown; name?: unknown; rowMode?: unknown; types?: unknown; binary?: unknown; portal?: unknown; rows?: unknown; queryMode?: unknown; callback?: unknown };
  if (typeof config.text !== 'string') return undefined;
  const plain = config.name === undefined && config.rowMode === undefined && config.types === undefined && config.binary === undefined && config.portal === undefined && config.rows === undefined && config.queryMode === undefined && config.callback === undefined;
  return plain ? config.text : undefined;
}

// Declared after the functions they name (hoisted), before any call can reach them.
const ADAPTER_RUN: CachedRunShape<AdapterResult> = { settle: describingResult, learned: learnedResult, retry: retryStale, reusesDescriptions: true };
// pg's own result: not taught to the pipelining cache (a statement stays unpipelined until a
// `db.query()` run outside a transaction shows it clean).
// pg's own `Result` object is what those callers read, so their runs keep pg's `Query` (and its Describe).
const NATIVE_RUN: CachedRunShape<PgNativeResult | SessionChangingResult> = { settle: nativeResult, learned: nativeResult, retry: retryStaleNative, reusesDescriptions: false };
