import type { Adapter, AdapterResult, BeginOptions, IsolationLevel, QueryParams, QuerySink, Row, TransactionState } from '../../src/adapter.js';
import { UnipoolError } from '../../src/errors.js';
import { checkBatchSize } from '../../src/stream-batch-size.js';
import { connectMysql, SESSION_SETUP_SQL } from './connect-mysql.js';
import { createMysqlDriverLoader, type MysqlDriverLoader } from './load-mysql-driver.js';
import { mysqlCapabilities } from './mysql-capabilities.js';
import { connectionState, isOpen, type MysqlConnectionState } from './mysql-connection-state.js';
import type { MysqlConnection, MysqlQueryOptions } from './mysql-driver-types.js';
import { isConnectionError, isStatementTimeout, mysqlConnectFailureKind } from './mysql-errors.js';
import { checkMysqlValues } from './mysql-values.js';
import { adapterResultOf } from './mysql-adapter-result.js';
import { learningSink, mayPipeline, queryPipelined } from './mysql-pipeline.js';
import { mayCarryBegin, mayDeferBegin, runCarryingBegin, sendDeferredBegin } from './mysql-deferred-begin.js';
import { keepOneStatement } from './mysql-multi-statements.js';
import { refreshAfterError } from './mysql-refresh-after-error.js';
import { quoteIdentifier, quoteSettingValue } from './quote-mysql.js';
import { mysqlServerReadOnly, mysqlSessionAttributes } from './mysql-server-role.js';
import { runPing, runQuery, runReset, runStatementInto, type ReplyHandler } from './run-mysql-command.js';
import { ServerStatus } from './server-status-reader.js';
import { streamRows } from './stream-mysql-rows.js';

const ISOLATION_SQL: Readonly<Record<IsolationLevel, string>> = {
  'read uncommitted': 'READ UNCOMMITTED',
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
};

/** Options of the MySQL adapter factory. */
export interface MysqlAdapterOptions {
  /** Where `mysql2` comes from; tests inject a fake or a failing loader. */
  readonly loadDriver?: MysqlDriverLoader;
}

/** Text-protocol query options; an object of parameters means `:name` placeholders. */
function queryOptions(conn: MysqlConnection, sql: string, params: QueryParams | undefined, where: string): MysqlQueryOptions {
  if (params === undefined) return { sql };
  checkMysqlValues(params);
  const named = !Array.isArray(params);
  const empty = named ? Object.keys(params).length === 0 : (params as readonly unknown[]).length === 0;
  if (!empty && (connectionState(conn).serverStatus & ServerStatus.NO_BACKSLASH_ESCAPES) !== 0) {
    // mysql2 escapes quotes with a backslash, which this SQL mode reads as an ordinary character.
    throw new UnipoolError(
      'UNIPOOL_UNSUPPORTED',
      `mysql: ${where} has parameters, but the session runs with sql_mode NO_BACKSLASH_ESCAPES, where mysql2's client-side escaping is not safe. Remove NO_BACKSLASH_ESCAPES from sql_mode.`,
    );
  }
  return named ? { sql, values: params, namedPlaceholders: true } : { sql, values: params };
}

/**
 * Positional parameters with `statementCacheSize` on: mysql2's execute() binds `?` as a server-side
 * prepared statement (named ones are rewritten by the text path).
 */
function usesExecute(state: MysqlConnectionState, options: MysqlQueryOptions): boolean {
  return options.values !== undefined && options.namedPlaceholders !== true && (options.values as readonly unknown[]).length > 0 && state.prepared;
}

/** A user statement, its outcome handed to `sink` (the core's path for every query: no promise here). */
function queryInto(conn: MysqlConnection, sql: string, params: QueryParams | undefined, sink: QuerySink): void {
  let options;
  try {
    options = queryOptions(conn, sql, params, 'query()');
  } catch (error) {
    sink.failed(error);
    return;
  }
  const state = connectionState(conn);
  const execute = usesExecute(state, options);
  if (state.deferredBegin !== undefined) {
    if (mayCarryBegin(conn, state, options, execute)) {
      runCarryingBegin(conn, options, sink);
      return;
    }
    sendDeferredBegin(conn);
  }
  if (state.multiStatements !== false) keepOneStatement(conn, sql);
  runStatementInto(conn, options, execute, QUERY_REPLY, learningSink(state, sql, params, sink));
}

function query(conn: MysqlConnection, sql: string, params: QueryParams | undefined): Promise<AdapterResult> {
  return new Promise((resolve, reject) => {
    queryInto(conn, sql, params, { resolved: resolve, failed: reject });
  });
}

/** A statement the adapter issues itself (transaction control, reset). */
function execute(conn: MysqlConnection, sql: string): Promise<void> {
  return runQuery(conn, { sql }, CONTROL_REPLY);
}

/** A statement the adapter issues: no result; after an error, the status flags re-read. */
const CONTROL_REPLY: ReplyHandler<void> = { settle: () => undefined, afterError: refreshAfterError };

/** A user statement: its result as the core sees it; after an error, the status flags re-read. */
const QUERY_REPLY: ReplyHandler<AdapterResult> = { settle: adapterResultOf, afterError: refreshAfterError };

/** BEGIN with an isolation level: SET TRANSACTION applies to the next transaction only (the one started here). */
async function beginWithIsolation(conn: MysqlConnection, { isolation, readOnly }: BeginOptions): Promise<void> {
  const level = ISOLATION_SQL[isolation as IsolationLevel];
  if (level === undefined) {
    throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `mysql: unknown isolation level ${JSON.stringify(isolation)}; expected one of ${Object.keys(ISOLATION_SQL).join(', ')}.`);
  }
  await execute(conn, `SET TRANSACTION ISOLATION LEVEL ${level}`);
  await execute(conn, readOnly === true ? 'START TRANSACTION READ ONLY' : 'START TRANSACTION');
}

/** True (and the recorded START TRANSACTION dropped) when the block ends before it sent anything. */
function endsUnsentTransaction(conn: MysqlConnection): boolean {
  const state = connectionState(conn);
  if (state.deferredBegin === undefined) return false;
  state.deferredBegin = undefined;
  return true;
}

function transactionStateOf(conn: MysqlConnection): TransactionState {
  const state = connectionState(conn);
  return (state.serverStatus & ServerStatus.IN_TRANS) !== 0 || state.deferredBegin !== undefined ? 'active' : 'idle';
}

/** The error of a statement whose connection was closed while it ran (a forced close()). */
function closedUnderStatement(): UnipoolError {
  return new UnipoolError(
    'UNIPOOL_CONNECTION_BROKEN',
    'mysql: the connection was closed while this statement was running — the pool closed it by force (dbs.close() reached its timeoutMs) or destroyed it; the statement may or may not have completed on the server.',
  );
}

/** Idle from the adapter's side: no reply outstanding, nothing left unread. */
function isIdle(conn: MysqlConnection): boolean {
  const state = connectionState(conn);
  return state.pending === 0 && !state.streaming && state.retiredBecause === undefined;
}

/**
 * A MySQL/MariaDB adapter on `mysql2` (callback API, text protocol). `mysqlAdapter` is the instance
 * unipool uses; the factory exists so tests can inject the driver loader.
 */
export function createMysqlAdapter(options: MysqlAdapterOptions = {}): Adapter<MysqlConnection> {
  const loadDriver = options.loadDriver ?? createMysqlDriverLoader();

  const adapter: Adapter<MysqlConnection> = Object.freeze<Adapter<MysqlConnection>>({
    engine: 'mysql',
    driverPackage: 'mysql2',
    capabilities: mysqlCapabilities,

    pipeline: Object.freeze({
      accepts: mayPipeline,
      query: (conn: MysqlConnection, sql: string, params: QueryParams | undefined) => queryPipelined(conn, sql, params, () => query(conn, sql, params)),
    }),

    placeholder(): string {
      return '?';
    },

    quoteIdentifier,

    async connect(settings, context) {
      return connectMysql(await loadDriver(), settings, context);
    },

    connectFailureKind: mysqlConnectFailureKind,

    sessionAttributes: (conn) => mysqlSessionAttributes((sql) => adapter.query(conn, sql)),

    serverReadOnly: (conn, error) => mysqlServerReadOnly(error, () => transactionStateOf(conn) === 'idle'),

    async close(conn) {
      const state = connectionState(conn);
      state.deferredBegin = undefined;
      const graceful = isOpen(conn) && isIdle(conn);
      state.closing = true;
      if (!graceful) {
        // COM_QUIT would queue behind a result still arriving; closing the socket makes the server
        // stop sending it.
        conn.destroy();
        conn.stream?.destroy?.();
        // mysql2 tells the commands in flight nothing once it is closing itself: fail them here.
        const aborts = state.inFlight.splice(0);
        for (const command of aborts) command.abort(closedUnderStatement());
        return;
      }
      await new Promise<void>((resolve) => {
        conn.end(() => resolve());
      });
    },

    query,

    queryInto,

    async ping(conn) {
      await runPing(conn);
    },

    async reset(conn) {
      const state = connectionState(conn);
      // Never sent: the reset has nothing of it to undo.
      state.deferredBegin = undefined;
      const baseline = state.baseline;
      await runReset(conn);
      // Whether COM_RESET_CONNECTION (or COM_CHANGE_USER) keeps the multi-statement mode is the
      // server's business: a statement with a `;` switches it off again before it runs.
      state.multiStatements = undefined;
      if (baseline === undefined) {
        await execute(conn, SESSION_SETUP_SQL + state.timeoutSetting);
        return;
      }
      // COM_RESET_CONNECTION sets session variables back to the global values, which differ from
      // what the handshake set (character set, IGNORE_SPACE in sql_mode), and turns autocommit,
      // session tracking and statementTimeoutMs's setting back to their global defaults: restore
      // the fresh-connection values.
      await execute(
        conn,
        `SET NAMES ${quoteSettingValue(baseline.charset)} COLLATE ${quoteSettingValue(baseline.collation)}, sql_mode = ${quoteSettingValue(baseline.sqlMode)}, ${SESSION_SETUP_SQL.slice('SET '.length)}${state.timeoutSetting}`,
      );
      // Session tracking of SET NAMES rewrote mysql2's idea of the connection charset, which it uses
      // to encode every query; put back the one the handshake negotiated.
      if (baseline.charsetNumber !== undefined) conn.config.charsetNumber = baseline.charsetNumber;
      // The reset keeps the current default database; a USE must be undone.
      if (baseline.database !== null && state.schema !== baseline.database) {
        await execute(conn, `USE ${quoteIdentifier(baseline.database)}`);
        state.schema = baseline.database;
      }
    },

    transactionState: transactionStateOf,

    isStatementTimeout,

    isBroken(conn, error) {
      return !isOpen(conn) || isConnectionError(error);
    },

    isUsable(conn) {
      return isOpen(conn) && isIdle(conn);
    },

    begin(conn, options: BeginOptions) {
      if (options.isolation === undefined) {
        const sql = options.readOnly === true ? 'START TRANSACTION READ ONLY' : 'START TRANSACTION';
        const state = connectionState(conn);
        // Sent with the block's first statement (see mysql-deferred-begin.ts).
        if (mayDeferBegin(conn, state)) {
          state.deferredBegin = sql;
          return Promise.resolve();
        }
        return execute(conn, sql);
      }
      return beginWithIsolation(conn, options);
    },

    // Not async: one promise per COMMIT/ROLLBACK, as for any statement. A block that ran no
    // statement never sent its START TRANSACTION, so it has nothing to end.
    commit: (conn) => (endsUnsentTransaction(conn) ? Promise.resolve() : execute(conn, 'COMMIT')),

    rollback: (conn) => (endsUnsentTransaction(conn) ? Promise.resolve() : execute(conn, 'ROLLBACK')),

    async savepoint(conn, name) {
      sendDeferredBegin(conn);
      await execute(conn, `SAVEPOINT ${quoteIdentifier(name)}`);
    },

    async releaseSavepoint(conn, name) {
      sendDeferredBegin(conn);
      await execute(conn, `RELEASE SAVEPOINT ${quoteIdentifier(name)}`);
    },

    async rollbackToSavepoint(conn, name) {
      sendDeferredBegin(conn);
      await execute(conn, `ROLLBACK TO SAVEPOINT ${quoteIdentifier(name)}`);
    },

    stream(conn, sql, params, { batchSize }): AsyncIterableIterator<Row> {
      return (async function* () {
        checkBatchSize(batchSize, 'mysql: stream()');
        sendDeferredBegin(conn);
        keepOneStatement(conn, sql);
        try {
          yield* streamRows(conn, queryOptions(conn, sql, params, 'stream()'), batchSize);
        } catch (error) {
          await refreshAfterError(conn, error);
          throw error;
        }
      })();
    },
  });
  return adapter;
}

/** The MySQL/MariaDB adapter, on `mysql2` (loaded on first connect). */
export const mysqlAdapter: Adapter<MysqlConnection> = createMysqlAdapter();
