/**
 * The structural subset of `pg` (8.x) and `pg-cursor` (2.x) that the PostgreSQL adapter uses. We
 * don't import pg's types so the core has no dependency on it; a few members are pg internals
 * (underscore-prefixed) that pg-pool itself relies on, read defensively.
 */
import type { Row } from '../../src/adapter.js';

/** One column of a RowDescription. */
export interface PgFieldDescription {
  readonly name: string;
  /** The column's type OID. */
  readonly dataTypeID: number;
}

/** One statement's result (`pg.Result`). */
export interface PgResult {
  /** First word of the command tag (`SELECT`, `CREATE`…); null for an empty query. */
  readonly command: string | null;
  readonly rowCount: number | null;
  readonly rows: Row[];
  readonly fields: readonly PgFieldDescription[];
}

/** A CommandComplete message: `text` is the full command tag (`CREATE TABLE`, `SELECT 3`). */
export interface PgCommandCompleteMessage {
  readonly text?: string;
  /** pg-native spells it `command`. */
  readonly command?: string;
}

/** The protocol hooks a submittable (`pg.Query`, `pg-cursor`) receives from the client. */
export interface PgSubmittableHooks {
  handleRowDescription(message: unknown): void;
  handleCommandComplete(message: PgCommandCompleteMessage, connection: unknown): void;
}

/** Callback of a `pg.Query`: one result, or one per statement of a multi-statement simple query. */
export type PgQueryCallback = (error: Error | null, result?: PgResult | PgResult[]) => void;

/** `pg.Query`: a submittable query object; `client.query(query)` runs it and calls its callback. */
export interface PgQueryConstructor {
  new (config: { text: string; values?: unknown[] }, values: undefined, callback: PgQueryCallback): PgSubmittableHooks;
}

/** pg's wire connection (`client.connection`), where named prepared statements are tracked. */
export interface PgWireConnection {
  /** Statement name → SQL text of the named statements pg believes the server has parsed. */
  parsedStatements?: Record<string, string>;
  /** Named statements sent but not yet confirmed by ParseComplete. */
  submittedNamedStatements?: Record<string, string>;
  once(event: 'readyForQuery' | 'end', listener: () => void): unknown;
  removeListener(event: 'readyForQuery' | 'end', listener: () => void): unknown;
}

/** A `pg.Client`. Also what unipool hands out as the PostgreSQL connection object. */
export interface PgClient {
  connect(): Promise<unknown>;
  end(): Promise<void>;
  query(config: string | { text: string; values?: unknown[]; name?: string }): Promise<PgResult | PgResult[]>;
  query<S extends object>(submittable: S): S;
  /** `I` idle, `T` in a transaction, `E` in a failed transaction; null before the first ReadyForQuery. */
  getTransactionStatus(): string | null;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'notification' | 'notice' | 'end', listener: (...args: unknown[]) => void): unknown;
  removeAllListeners(event: 'notification'): unknown;
  /** Backend process id, for `pg_terminate_backend()` / `pg_cancel_backend()`. */
  readonly processID: number | null;
  /** Resolved connection target (settings, then PG* environment variables, then pg's defaults). */
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly user?: string;
  readonly connection: PgWireConnection;
  // pg internals (8.x), as used by pg-pool; optional so a future pg fails safe, not loud.
  readonly _ending?: boolean;
  readonly _ended?: boolean;
  readonly _connected?: boolean;
  readonly _queryable?: boolean;
  readonly _queryQueue?: readonly unknown[];
  readonly readyForQuery?: boolean;
  /** pg's resolved settings; `query_timeout` (ms) is its client-side read timeout for every query. */
  readonly connectionParameters?: { readonly query_timeout?: number };
  _getActiveQuery?(): unknown;
}

/** Options handed to `new pg.Client()`. */
export type PgClientConfig = Record<string, unknown>;

/** pg's type-parser registry (`pg.types`), or a `types` option of the same shape. */
export interface PgTypeParsers {
  getTypeParser(oid: number, format?: string): (value: string) => unknown;
}

/** The `pg` module (its default export). */
export interface PgModule {
  readonly Client: new (config: PgClientConfig) => PgClient;
  readonly Query: PgQueryConstructor;
  /** pg's global type-parser registry; optional so a test double may leave it out. */
  readonly types?: PgTypeParsers;
  /** pg's helpers; `prepareValue` is what pg's Bind applies to each value (its results are fixed points: text, Buffer or null). */
  readonly utils?: { prepareValue(value: unknown): unknown };
}

/** A `pg-cursor` instance: a server-side portal read `n` rows at a time. */
export interface PgCursor extends PgSubmittableHooks {
  /** `initialized` → `submitted` → `idle`/`busy` → `done`, or `error`. */
  readonly state: string;
  read(rows: number): Promise<Row[]>;
  close(): Promise<void>;
  /**
   * Set by pg's `client.query()` when a `query_timeout` applies (the statementTimeoutMs backstop):
   * calling it clears pg's timer. pg-cursor itself never calls it.
   */
  callback?: (error: Error | null) => void;
}

/** The `pg-cursor` module (its default export). */
export interface PgCursorConstructor {
  new (text: string, values?: unknown[] | null): PgCursor;
}
