import type { Adapter, AdapterResult, BeginOptions, Row, TransactionState } from '../../src/adapter.js';
import { UnipoolError } from '../../src/errors.js';
import { checkBatchSize } from '../../src/stream-batch-size.js';
import { connectOracle } from './connect-oracle.js';
import { createOracleDriverLoader, type OracleDriverLoader } from './load-oracle-driver.js';
import { oracleCapabilities } from './oracle-capabilities.js';
import { connectionState, isOpen } from './oracle-connection-state.js';
import type { OracleConnection, OracleExecuteResult } from './oracle-driver-types.js';
import { oracleFetchTypeHandler } from './oracle-int64.js';
import { toOracleBinds } from './oracle-values.js';
import { isConnectionError, isStatementTimeout, oracleConnectFailureKind } from './oracle-errors.js';
import { quoteIdentifier } from './quote-oracle-identifier.js';
import { streamRows } from './stream-oracle-rows.js';

/** Why `reset()` retires a connection instead of cleaning it. */
export const RESET_BY_RECONNECT = 'Oracle has no cheap full session reset: the connection is closed and replaced';

/** Options of the Oracle adapter factory. */
export interface OracleAdapterOptions {
  /** Where `oracledb` comes from; tests inject a fake module. */
  readonly loadDriver?: OracleDriverLoader;
}

/** `oracledb.OUT_FORMAT_OBJECT`: the documented constant, used until the driver is loaded. */
const OUT_FORMAT_OBJECT = 4002;


/** `SET TRANSACTION` for the options of the outermost `atomic()`; Oracle has two isolation levels. */
export function setTransactionSql({ isolation, readOnly }: BeginOptions): string | undefined {
  if (isolation === 'read uncommitted' || isolation === 'repeatable read') {
    throw new UnipoolError(
      'UNIPOOL_UNSUPPORTED',
      `oracle: isolation "${isolation}" is not supported; Oracle offers "read committed" (the default) and "serializable".`,
    );
  }
  if (readOnly === true) {
    if (isolation === 'read committed') {
      throw new UnipoolError(
        'UNIPOOL_UNSUPPORTED',
        'oracle: readOnly cannot be combined with isolation "read committed": an Oracle read-only transaction always reads one snapshot for the whole transaction (like "serializable"). Drop the isolation option.',
      );
    }
    // Oracle allows one SET TRANSACTION per transaction, and READ ONLY already implies
    // transaction-level read consistency, so "serializable" needs nothing more.
    return 'SET TRANSACTION READ ONLY';
  }
  if (isolation === 'serializable') return 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE';
  if (isolation === 'read committed') return 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED';
  if (isolation !== undefined) {
    throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `oracle: unknown isolation level ${JSON.stringify(isolation)}; expected "read committed" or "serializable".`);
  }
  return undefined;
}

function toAdapterResult(result: OracleExecuteResult): AdapterResult {
  const fields = (result.metaData ?? []).map((column) => ({ name: column.name, type: column.dbTypeName }));
  if (result.rows !== undefined) return { rows: result.rows, rowCount: result.rows.length, fields };
  return { rows: [], rowCount: result.rowsAffected ?? 0, fields };
}

/** Marks the connection dead when a call failed with a connection error, then rethrows. */
async function tracked<T>(conn: OracleConnection, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isConnectionError(error)) connectionState(conn).closed = true;
    throw error;
  }
}

/**
 * An Oracle adapter on `oracledb` (Thin mode). `oracleAdapter` is the instance unipool uses; the
 * factory exists so tests can inject a fake driver.
 */
export function createOracleAdapter(options: OracleAdapterOptions = {}): Adapter<OracleConnection> {
  const loadDriver = options.loadDriver ?? createOracleDriverLoader();
  let outFormat = OUT_FORMAT_OBJECT;

  /** A statement inside the transaction: never committed by the driver. */
  const executeInTransaction = (conn: OracleConnection, sql: string): Promise<OracleExecuteResult> =>
    tracked(conn, () => conn.execute(sql, [], { outFormat, autoCommit: false }));

  return Object.freeze<Adapter<OracleConnection>>({
    engine: 'oracle',
    driverPackage: 'oracledb',
    capabilities: oracleCapabilities,

    placeholder(n: number): string {
      return `:${n}`;
    },

    quoteIdentifier,

    async connect(settings, context) {
      const oracledb = await loadDriver();
      outFormat = oracledb.OUT_FORMAT_OBJECT ?? OUT_FORMAT_OBJECT;
      const conn = await connectOracle(oracledb, settings, context);
      const { DB_TYPE_NUMBER, STRING } = oracledb;
      if (DB_TYPE_NUMBER !== undefined && STRING !== undefined) {
        connectionState(conn).fetchTypeHandler = oracleFetchTypeHandler(settings.int64 ?? 'number', { DB_TYPE_NUMBER, STRING });
      }
      return conn;
    },

    connectFailureKind: oracleConnectFailureKind,

    async close(conn) {
      connectionState(conn).closed = true;
      // Closing rolls back an open transaction. A dead (or already closed) connection fails to
      // close with NJS-003/NJS-500; it is gone either way.
      await conn.close().catch(() => undefined);
    },

    async query(conn, sql, params) {
      // autoCommit outside atomic(): the statement's changes are committed with it, so the
      // connection can go back to the pool the moment the call returns.
      const state = connectionState(conn);
      const autoCommit = !state.inAtomic;
      const binds = toOracleBinds(params);
      const fetchTypeHandler = state.fetchTypeHandler;
      const options = fetchTypeHandler === undefined ? { outFormat, autoCommit } : { outFormat, autoCommit, fetchTypeHandler };
      const result = await tracked(conn, () => conn.execute(sql, binds, options));
      return toAdapterResult(result);
    },

    async ping(conn) {
      await tracked(conn, () => conn.ping());
    },

    async reset(conn) {
      // Nothing short of a new session clears everything (ALTER SESSION, package state, GTT rows,
      // DBMS_* settings): retire the connection so the core replaces it.
      const state = connectionState(conn);
      state.retiredBecause ??= RESET_BY_RECONNECT;
      state.inAtomic = false;
      if (conn.transactionInProgress === true) await tracked(conn, () => conn.rollback()).catch(() => undefined);
    },

    transactionState(conn): TransactionState {
      return connectionState(conn).inAtomic || conn.transactionInProgress === true ? 'active' : 'idle';
    },

    isStatementTimeout,

    isBroken(conn, error) {
      return !isOpen(conn) || isConnectionError(error);
    },

    isUsable(conn) {
      const state = connectionState(conn);
      return isOpen(conn) && !state.streaming && state.retiredBecause === undefined;
    },

    async begin(conn, beginOptions) {
      const sql = setTransactionSql(beginOptions);
      const state = connectionState(conn);
      state.inAtomic = true;
      if (sql === undefined) return;
      try {
        await executeInTransaction(conn, sql);
      } catch (error) {
        state.inAtomic = false;
        throw error;
      }
    },

    async commit(conn) {
      try {
        await tracked(conn, () => conn.commit());
      } finally {
        // A failed COMMIT (e.g. a deferred constraint, ORA-02091) has rolled the transaction back.
        connectionState(conn).inAtomic = false;
      }
    },

    async rollback(conn) {
      try {
        await tracked(conn, () => conn.rollback());
      } finally {
        connectionState(conn).inAtomic = false;
      }
    },

    async savepoint(conn, name) {
      await executeInTransaction(conn, `SAVEPOINT ${quoteIdentifier(name)}`);
    },

    async releaseSavepoint(_conn, name) {
      // Oracle has no RELEASE SAVEPOINT; the savepoint simply lives until the transaction ends.
      quoteIdentifier(name);
    },

    async rollbackToSavepoint(conn, name) {
      await executeInTransaction(conn, `ROLLBACK TO SAVEPOINT ${quoteIdentifier(name)}`);
    },

    stream(conn, sql, params, { batchSize }): AsyncIterableIterator<Row> {
      return (async function* () {
        checkBatchSize(batchSize, 'oracle: stream()');
        try {
          yield* streamRows(conn, sql, toOracleBinds(params), { batchSize, outFormat });
        } catch (error) {
          if (isConnectionError(error)) connectionState(conn).closed = true;
          throw error;
        }
      })();
    },
  });
}

/** The Oracle adapter, on `oracledb` (loaded on first connect). */
export const oracleAdapter: Adapter<OracleConnection> = createOracleAdapter();
