/**
 * The structural subset of `better-sqlite3` that the adapter uses. We don't import the driver's
 * types so that the core never depends on the package.
 */

export interface SqliteRunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface SqliteColumn {
  name: string;
  type: string | null;
}

export interface SqliteStatement {
  /** True when the statement does not write to the database file (sqlite3_stmt_readonly). */
  readonly readonly: boolean;
  /** The SQL text it was prepared from. */
  readonly source: string;
  /** True when the statement returns rows. */
  readonly reader: boolean;
  all(...params: unknown[]): Record<string, unknown>[];
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): SqliteRunResult;
  iterate(...params: unknown[]): IterableIterator<Record<string, unknown>>;
  columns(): SqliteColumn[];
  /** INTEGERs as BigInts (on) or numbers (off) for this statement. */
  safeIntegers(toggleState?: boolean): this;
}

export interface SqliteDatabase {
  readonly open: boolean;
  readonly inTransaction: boolean;
  readonly name: string;
  readonly memory: boolean;
  prepare(sql: string): SqliteStatement;
  exec(sql: string): this;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): this;
  /** The `safeIntegers` setting of statements prepared from now on. */
  defaultSafeIntegers(toggleState?: boolean): this;
}

export type SqliteDatabaseConstructor = new (filename: string, options?: Record<string, unknown>) => SqliteDatabase;
