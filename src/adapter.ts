/**
 * The adapter seam: what the core needs from one database driver. Adapters live in
 * `adapters/<engine>/`, import only this file (and `errors.ts`), declare the structural subset of
 * their driver they use, and load the driver lazily so `src/` never depends on a driver package.
 */

/** The engines unipool supports. */
export type Engine = 'postgres' | 'mysql' | 'sqlite' | 'oracle';

/** SQL-standard isolation levels, spelled as in `atomic({ isolation })`. */
export type IsolationLevel = 'read uncommitted' | 'read committed' | 'repeatable read' | 'serializable';

/** Values bound to placeholders: positional (`$1`, `?`, `:1`) or named (`:name`, Oracle/SQLite). */
export type QueryParams = readonly unknown[] | Readonly<Record<string, unknown>>;

/** One row: column name → value. */
export type Row = Record<string, unknown>;

/** Column metadata, where the driver reports it. */
export interface FieldInfo {
  readonly name: string;
  /** The driver's type id (pg OID, mysql column type, oracle db type name). */
  readonly type?: number | string;
}

/** What `db.query()` resolves to on every backend. */
export interface QueryResult<R = Row> {
  rows: R[];
  /** Rows returned, or rows affected for INSERT/UPDATE/DELETE. */
  rowCount: number;
  fields?: FieldInfo[];
}

/**
 * Transaction state as the driver reports it (never guessed from SQL text):
 * `idle` — not in a transaction; `active` — in a transaction; `failed` — in an aborted transaction
 * (pg `E`); the connection must be rolled back before reuse.
 */
export type TransactionState = 'idle' | 'active' | 'failed';

/**
 * A statement changed per-connection session state (pg `SET`, `LISTEN`, `PREPARE`, temp tables;
 * MySQL user variables…) that would otherwise reach the next borrower.
 */
export interface SessionStateChange {
  /** What changed it, for messages: `SET`, `LISTEN`, `CREATE TABLE`, `session variables`… */
  readonly statement: string;
  /**
   * Outside a held connection: `error` — reset the connection and throw
   * `UNIPOOL_SESSION_STATE_OUTSIDE_SESSION` (the statement has no point there); `reset` — reset
   * silently (e.g. CREATE TABLE, which may or may not be a temp table).
   */
  readonly outsideSession: 'error' | 'reset';
}

/** What an adapter's `query` returns: the public result plus what the core must know. */
export interface AdapterResult extends QueryResult {
  /** Set when the statement changed session state; the core resets the connection before reuse. */
  sessionState?: SessionStateChange;
}

/** Options of the outermost `atomic()` block. */
export interface BeginOptions {
  readonly isolation?: IsolationLevel;
  readonly readOnly?: boolean;
}

/**
 * What an engine supports. The docs' capability matrix is generated from these objects, and the
 * contract suite skips (as "not supported by capability") exactly what they declare absent.
 */
export interface Capabilities {
  /** Where transaction state comes from, e.g. `client.getTransactionStatus()`. */
  readonly transactionStateSource: string;
  /** `exact`: every transaction change is reported; `partial`: see notes. */
  readonly transactionStateAccuracy: 'exact' | 'partial';
  readonly savepoints: boolean;
  readonly isolationLevels: readonly IsolationLevel[];
  readonly readOnlyTransactions: boolean;
  /** `stream()` reads through a server-side cursor (true) or a client-side row stream/iterator. */
  readonly serverSideCursors: boolean;
  /** How `stream()` is implemented, e.g. `pg-cursor`. */
  readonly streamSource: string;
  /** How session state is reset before reuse, e.g. `DISCARD ALL`. */
  readonly sessionReset: string;
  /** How session-state changes are detected outside `session()`. */
  readonly sessionStateDetection: string;
  /** `LISTEN`/`NOTIFY`-style server notifications (need `session()`). */
  readonly notifications: boolean;
  /** Placeholder style: `$1`, `?`, `:1`. */
  readonly placeholders: string;
  readonly namedParameters: boolean;
  readonly maxIdentifierLength: number;
  /** Several connections can run at once (false for `:memory:`-style single-connection databases). */
  readonly concurrentConnections: boolean;
  /** Whether the manual `BEGIN … COMMIT` inside a scope is held until the driver reports idle. */
  readonly manualTransactions: boolean;
  /** Free-form notes shown under the matrix. */
  readonly notes: readonly string[];
}

/** Resolved connection settings (from `url` or discrete fields). `password` is non-enumerable. */
export interface ConnectionSettings {
  readonly host?: string;
  readonly port?: number;
  /** Database name; for SQLite the file path or `:memory:`. */
  readonly database?: string;
  readonly user?: string;
  readonly password?: string;
  readonly ssl?: boolean | Readonly<Record<string, unknown>>;
  /** Passed to the driver as-is (documented per engine). */
  readonly options: Readonly<Record<string, unknown>>;
}

/** Handed to `Adapter.connect()`. */
export interface ConnectContext {
  readonly timeoutMs: number;
  /**
   * Call when the driver reports the connection dead while it sits idle (e.g. pg's `error` event
   * after a server restart). The adapter must attach a listener so such an error never crashes the
   * process; the pool then evicts the connection.
   */
  readonly onBroken: (error: unknown) => void;
}

/**
 * One database driver behind the pool. `C` is the driver's connection object.
 * All methods may throw the driver's own errors; the core wraps or passes them through.
 */
export interface Adapter<C = unknown> {
  readonly engine: Engine;
  /** npm package of the driver, for install hints. */
  readonly driverPackage: string;
  readonly capabilities: Capabilities;
  /** The placeholder for the n-th (1-based) value of a `db.sql` template. */
  placeholder(n: number): string;

  connect(settings: ConnectionSettings, context: ConnectContext): Promise<C>;
  close(conn: C): Promise<void>;
  query(conn: C, sql: string, params?: QueryParams): Promise<AdapterResult>;
  /** A cheap round trip proving the connection is alive. */
  ping(conn: C): Promise<void>;
  /** Return the session to a pristine state (and drop driver-side caches that the reset invalidates). */
  reset(conn: C): Promise<void>;
  transactionState(conn: C): TransactionState;
  /** True when an error from `query` means the connection is unusable and must be destroyed. */
  isBroken(conn: C, error: unknown): boolean;
  /**
   * Cheap, synchronous check before a connection goes back to the pool: false when it is closed,
   * broken, or still busy (a result or cursor left unread). The core destroys it then.
   */
  isUsable(conn: C): boolean;

  begin(conn: C, options: BeginOptions): Promise<void>;
  commit(conn: C): Promise<void>;
  rollback(conn: C): Promise<void>;
  savepoint(conn: C, name: string): Promise<void>;
  releaseSavepoint(conn: C, name: string): Promise<void>;
  rollbackToSavepoint(conn: C, name: string): Promise<void>;

  /**
   * Rows one at a time, fetched `batchSize` at a time. The iterator's `return()` (loop `break` or
   * throw) must close the cursor so the connection can be released; where the driver cannot stop a
   * result early, `isUsable()` must report false afterwards so the core destroys the connection.
   */
  stream(conn: C, sql: string, params: QueryParams | undefined, options: { batchSize: number }): AsyncIterableIterator<Row>;
}
