/**
 * A fake `oracledb` module for unit tests: structurally what the Oracle adapter uses, recording every
 * call, with a little of Oracle's transaction behaviour (DML, SET TRANSACTION and SAVEPOINT open a
 * transaction; autoCommit, COMMIT and ROLLBACK end it) so `transactionInProgress` moves like the
 * real one. Injected through `createOracleAdapter({ loadDriver })`; no Oracle server is involved.
 */
import type { Row } from '../../src/adapter.js';

/** One recorded call on a fake connection. */
export interface FakeOracleCall {
  readonly method: 'execute' | 'commit' | 'rollback' | 'ping' | 'close';
  readonly sql?: string;
  readonly binds?: unknown;
  readonly options?: FakeExecuteOptions;
}

/** What a scripted statement answers. */
export interface FakeOracleReply {
  readonly rows?: Row[];
  readonly metaData?: ReadonlyArray<{ name: string; dbTypeName?: string }>;
  readonly rowsAffected?: number;
  /** Thrown instead of answering (the transaction state is left as it was). */
  readonly error?: Error;
  /** With `resultSet: true`: fail the n-th getRows() call (1-based) with this error. */
  readonly fetchError?: { readonly atFetch: number; readonly error: Error };
}

/** The `execute()` options the fake understands (those the adapter sets). */
export interface FakeExecuteOptions {
  readonly autoCommit?: boolean;
  readonly outFormat?: number;
  readonly resultSet?: boolean;
  readonly fetchArraySize?: number;
}

/** Decides the reply of each `execute()`; the default answers SELECTs with no rows and DML with 1. */
export type FakeOracleResponder = (sql: string, binds: unknown, options: FakeExecuteOptions) => FakeOracleReply;

/** An error shaped like node-oracledb's (`code` ORA-/NJS-/DPI-, `errorNum` for ORA). */
export function oracleError(code: string, message: string): Error & { code: string; errorNum?: number } {
  const error = new Error(`${code}: ${message}`) as Error & { code: string; errorNum?: number };
  error.code = code;
  const ora = /^ORA-(\d+)$/.exec(code);
  if (ora !== null) error.errorNum = Number(ora[1]);
  return error;
}

const OPENS_TRANSACTION = /^\s*(INSERT|UPDATE|DELETE|MERGE|SET\s+TRANSACTION|SAVEPOINT)\b|\bFOR\s+UPDATE\b/i;

const defaultResponder: FakeOracleResponder = (sql) =>
  /^\s*(SELECT|WITH)\b/i.test(sql) ? { rows: [], metaData: [] } : /^\s*(INSERT|UPDATE|DELETE|MERGE)\b/i.test(sql) ? { rowsAffected: 1 } : {};

/** What the fake `execute()` resolves to (the shape of oracledb's result). */
export interface FakeExecuteResult {
  readonly rows?: Row[];
  readonly metaData?: ReadonlyArray<{ name: string; dbTypeName?: string }>;
  readonly rowsAffected?: number;
  readonly resultSet?: FakeOracleResultSet;
}

/** A result set over scripted rows that records fetches and whether it was closed. */
export class FakeOracleResultSet {
  closed = false;
  readonly fetches: number[] = [];
  readonly #rows: Row[];
  readonly metaData: ReadonlyArray<{ name: string; dbTypeName?: string }>;
  readonly #fetchError: FakeOracleReply['fetchError'];

  constructor(rows: Row[], metaData: ReadonlyArray<{ name: string; dbTypeName?: string }>, fetchError?: FakeOracleReply['fetchError']) {
    this.#rows = [...rows];
    this.metaData = metaData;
    this.#fetchError = fetchError;
  }

  async getRows(n: number): Promise<Row[]> {
    if (this.closed) throw oracleError('NJS-018', 'invalid ResultSet');
    this.fetches.push(n);
    if (this.#fetchError !== undefined && this.fetches.length === this.#fetchError.atFetch) throw this.#fetchError.error;
    return this.#rows.splice(0, n);
  }

  async close(): Promise<void> {
    if (this.closed) throw oracleError('NJS-018', 'invalid ResultSet');
    this.closed = true;
  }
}

/** A connection that records calls and answers through `respond`. */
export class FakeOracleConnection {
  readonly calls: FakeOracleCall[] = [];
  readonly resultSets: FakeOracleResultSet[] = [];
  respond: FakeOracleResponder = defaultResponder;
  /** What isHealthy() answers while open (set false to simulate a dead socket). */
  healthy = true;
  closed = false;
  /** Set by the adapter from statementTimeoutMs (oracledb's round-trip limit). */
  callTimeout = 0;
  #transaction = false;

  /** Like oracledb: a boolean while open, undefined once closed. */
  get transactionInProgress(): boolean | undefined {
    return this.closed ? undefined : this.#transaction;
  }

  /** Simulates a transaction the server reports open (or closed) without a statement of ours. */
  setTransactionInProgress(value: boolean): void {
    this.#transaction = value;
  }

  #checkOpen(): void {
    if (this.closed) throw oracleError('NJS-003', 'invalid or closed connection');
  }

  async execute(sql: string, binds: unknown, options: FakeExecuteOptions): Promise<FakeExecuteResult> {
    this.calls.push({ method: 'execute', sql, binds, options });
    this.#checkOpen();
    const reply = this.respond(sql, binds, options);
    if (reply.error !== undefined) throw reply.error;
    if (OPENS_TRANSACTION.test(sql)) this.#transaction = true;
    if (options.autoCommit === true) this.#transaction = false;
    const metaData = reply.metaData ?? (reply.rows?.[0] ? Object.keys(reply.rows[0]).map((name) => ({ name, dbTypeName: 'NUMBER' })) : undefined);
    if (options.resultSet === true && reply.rows !== undefined) {
      const resultSet = new FakeOracleResultSet(reply.rows, metaData ?? [], reply.fetchError);
      this.resultSets.push(resultSet);
      return { resultSet, metaData };
    }
    return { rows: reply.rows, metaData, rowsAffected: reply.rowsAffected };
  }

  async commit(): Promise<void> {
    this.calls.push({ method: 'commit' });
    this.#checkOpen();
    this.#transaction = false;
  }

  async rollback(): Promise<void> {
    this.calls.push({ method: 'rollback' });
    this.#checkOpen();
    this.#transaction = false;
  }

  async ping(): Promise<void> {
    this.calls.push({ method: 'ping' });
    this.#checkOpen();
    if (!this.healthy) throw oracleError('NJS-500', 'connection to Oracle Database was closed or broken');
  }

  async close(): Promise<void> {
    this.calls.push({ method: 'close' });
    this.#checkOpen();
    this.closed = true;
  }

  isHealthy(): boolean {
    return !this.closed && this.healthy;
  }

  /** The SQL of every execute() so far. */
  get statements(): string[] {
    return this.calls.filter((call) => call.method === 'execute').map((call) => call.sql ?? '');
  }
}

/** The fake module: `getConnection()` records its options and hands out fake connections. */
export class FakeOracledb {
  readonly OUT_FORMAT_OBJECT = 4002;
  readonly OUT_FORMAT_ARRAY = 4001;
  readonly connections: FakeOracleConnection[] = [];
  readonly connectOptions: Record<string, unknown>[] = [];
  /** When set, getConnection() rejects with it. */
  connectError: Error | undefined = undefined;

  async getConnection(options: Record<string, unknown>): Promise<FakeOracleConnection> {
    this.connectOptions.push({ ...options });
    if (this.connectError !== undefined) throw this.connectError;
    const conn = new FakeOracleConnection();
    this.connections.push(conn);
    return conn;
  }
}
