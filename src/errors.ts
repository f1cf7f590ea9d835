/**
 * Every error unipool throws is a `UnipoolError` with a stable `code`. Message text is API too:
 * tests pin it, so change it deliberately.
 */
import { errorDocsUrl } from './docs-url.js';

/** The stable error codes. Each has a row in the docs' error table (generated from this object). */
export const ErrorCodes = {
  UNIPOOL_CONFIG_INVALID: 'The configuration does not match the schema; every problem is listed with its path.',
  UNIPOOL_UNKNOWN_DATABASE: 'No database with that alias was configured.',
  UNIPOOL_DRIVER_MISSING: "The engine's driver package is not installed.",
  UNIPOOL_ACQUIRE_TIMEOUT: 'No connection became free within acquireTimeoutMs: the server is up and the pool is busy. The message carries the pool numbers (waiting counts the caller that gave up) and, if new connections were failing meanwhile, the last connect error as cause.',
  UNIPOOL_QUEUE_FULL: 'More callers are waiting than pool.maxWaiting allows; rejected at once.',
  UNIPOOL_POOL_CLOSED: 'The pool is closing or closed and takes no new work.',
  UNIPOOL_CONNECT_FAILED: 'Opening a connection failed and waiting would not help; cause holds the driver error, the message the fix. Every waiting caller gets it at once when the error cannot fix itself (authentication failed, unknown database, TLS verification failed, missing driver package), or, while the server is unreachable and no connection is open, after one connection attempt.',
  UNIPOOL_CONNECT_TIMEOUT: 'Opening a connection took longer than connectTimeoutMs.',
  UNIPOOL_QUERY_FAILED: 'Reserved: driver query errors are passed through unchanged so their own codes stay visible.',
  UNIPOOL_TX_OUTSIDE_SCOPE: 'A statement left a transaction open outside any scope; it was rolled back. Use atomic().',
  UNIPOOL_SESSION_STATE_OUTSIDE_SESSION: 'A statement changed session state outside session(); the connection was reset. Use session() or connection options.',
  UNIPOOL_TX_ENDED: 'A statement ran after the atomic()/session() block or scope holding its connection had ended (a promise not awaited inside the block).',
  UNIPOOL_TX_MANUAL_ACTIVE: 'atomic() was called while a manual transaction (BEGIN …) was open on the held connection.',
  UNIPOOL_TX_NESTED_DURABLE: 'atomic({ durable: true }) was called inside another atomic block.',
  UNIPOOL_TX_OPTIONS_NESTED: 'Isolation or read-only options were given to a nested atomic block, which cannot change them.',
  UNIPOOL_TX_ABORTED: 'COMMIT found the transaction aborted by an earlier failed statement; the server rolled it back and nothing was committed.',
  UNIPOOL_UNSUPPORTED: 'The engine does not support the requested feature (see its capabilities).',
  UNIPOOL_INVALID_ARGUMENT: 'A public API function received an argument of the wrong shape.',
  UNIPOOL_CONNECTION_BUSY: 'A statement was run on a held connection while a stream() loop over it was still open; finish the loop first.',
  UNIPOOL_LEASE_RELEASED: 'A lease was used or released after it had already been released.',
  UNIPOOL_CONNECTION_BROKEN: 'The connection broke while in use; it was destroyed and not returned to the pool.',
  UNIPOOL_STATEMENT_TIMEOUT: 'A statement ran longer than the database\'s statementTimeoutMs (or a limit set another way, such as a SET statement_timeout inside session()): the server stopped it (the connection stays usable; inside atomic() the transaction rolls back), or no answer came within the limit plus a grace second (the connection was destroyed). cause holds the driver error.',
  UNIPOOL_VALUE_OUT_OF_RANGE: 'A value does not fit where it goes: a 64-bit integer beyond ±(2^53−1) read with int64 "number" (the column is named; use int64 "string" or "bigint"), or a bound bigint beyond the engine\'s integer range.',
  UNIPOOL_PIPELINE_IN_TRANSACTION: 'A pipelined statement ran inside a transaction it did not open (another statement on its connection left one open); it is not reported as a success, and the connection was destroyed.',
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ErrorCodes;

/** What every message ends with: the line that links to the code's cause and fix in the docs. */
export function docsLinkLine(code: string): string {
  return `See ${errorDocsUrl(code)}`;
}

/**
 * Base class of every error thrown by unipool. `code` is stable; `cause` holds the underlying error.
 * The message's last line links to the code's entry in the error reference (added here, so every
 * code gets it, including ones added later).
 */
export class UnipoolError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${message}\n${docsLinkLine(code)}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
  override get name(): string {
    return this.constructor.name;
  }
}

/** One problem found in a configuration. */
export interface ConfigIssue {
  /** Dotted path, e.g. `databases.default.pool.max`. */
  readonly path: string;
  /** What is wrong, e.g. `must be ≥ 1, got 0`. */
  readonly message: string;
}

/** Thrown by `createDatabases()` and `unipool check` for an invalid configuration; lists every problem. */
export class ConfigError extends UnipoolError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message}`);
    super('UNIPOOL_CONFIG_INVALID', `Invalid unipool configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.issues = Object.freeze([...issues]);
  }
}

/** Thrown when no connection became free within `acquireTimeoutMs`. */
export class AcquireTimeoutError extends UnipoolError {
  constructor(message: string, cause?: unknown) {
    super('UNIPOOL_ACQUIRE_TIMEOUT', message, { cause });
  }
}

/** Thrown when the pool is closing or closed. */
export class PoolClosedError extends UnipoolError {
  constructor(alias: string) {
    super('UNIPOOL_POOL_CLOSED', `unipool: pool "${alias}" is closed; it takes no new work. Create the databases again to reconnect.`);
  }
}

/** Thrown when `pool.maxWaiting` callers are already waiting. */
export class QueueFullError extends UnipoolError {
  constructor(message: string) {
    super('UNIPOOL_QUEUE_FULL', message);
  }
}

/** Thrown for a transaction-related misuse (`UNIPOOL_TX_*`). */
export class TransactionError extends UnipoolError {}

/**
 * An error's message without unipool's docs-link line, for quoting one error inside another
 * (an acquire timeout that names the last connect error) without a link in the middle.
 */
export function messageWithoutDocsLink(error: Error): string {
  if (!(error instanceof UnipoolError)) return error.message;
  const cut = error.message.lastIndexOf('\nSee ');
  return cut === -1 ? error.message : error.message.slice(0, cut);
}
