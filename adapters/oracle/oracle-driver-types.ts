/**
 * The structural subset of `oracledb` (6.x and later, Thin mode) that the Oracle adapter uses. We
 * don't import oracledb's types so the core has no dependency on it. Everything here is documented
 * public API of node-oracledb.
 */
import type { Row } from '../../src/adapter.js';
import type { OracleFetchMetaData, OracleFetchType } from './oracle-int64.js';

/** Column metadata of a query (`result.metaData[i]`). */
export interface OracleMetaData {
  readonly name: string;
  /** Database type name, e.g. `NUMBER`, `VARCHAR2`. */
  readonly dbTypeName?: string;
}

/** A result set opened with `{ resultSet: true }`; must be closed before the connection is reused. */
export interface OracleResultSet {
  readonly metaData?: readonly OracleMetaData[];
  /** The next `n` rows; fewer (or none) at the end. */
  getRows(n: number): Promise<Row[]>;
  close(): Promise<void>;
}

/** Options of `connection.execute()` the adapter sets. */
export interface OracleExecuteOptions {
  readonly autoCommit: boolean;
  readonly outFormat: number;
  readonly resultSet?: boolean;
  readonly fetchArraySize?: number;
  /** Per-column fetch type (int64: NUMBER columns fetched as text and converted). */
  readonly fetchTypeHandler?: (metaData: OracleFetchMetaData) => OracleFetchType | undefined;
}

/** What `connection.execute()` resolves to. */
export interface OracleExecuteResult {
  readonly rows?: Row[];
  readonly metaData?: readonly OracleMetaData[];
  /** Rows changed by DML; undefined for queries. */
  readonly rowsAffected?: number;
  readonly resultSet?: OracleResultSet;
}

/** Bind values: positional (`:1`) as an array, named (`:name`) as an object. */
export type OracleBinds = readonly unknown[] | Readonly<Record<string, unknown>>;

/** An oracledb `Connection`. Also what unipool hands out as the Oracle connection object. */
export interface OracleConnection {
  /**
   * True while the server reports an open transaction (Thin mode reads it from the end-of-call
   * status of every round trip). Undefined once the connection is closed.
   */
  readonly transactionInProgress?: boolean;
  /** Milliseconds any one round trip may take (0 = no limit); oracledb breaks the call after it. */
  callTimeout?: number;
  execute(sql: string, binds: OracleBinds, options: OracleExecuteOptions): Promise<OracleExecuteResult>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Local, synchronous health check (no round trip); false once closed or broken. */
  isHealthy?(): boolean;
}

/** An oracledb error: `code` is `ORA-…`, `NJS-…` or `DPI-…`; `errorNum` the ORA number. */
export interface OracleError extends Error {
  code?: string;
  errorNum?: number;
}

/** The `oracledb` module. */
export interface OracleDriver {
  readonly OUT_FORMAT_OBJECT: number;
  /** DbType constants for the int64 fetch handler; optional so a test double may leave them out. */
  readonly DB_TYPE_NUMBER?: unknown;
  readonly STRING?: unknown;
  getConnection(options: Record<string, unknown>): Promise<OracleConnection>;
}
