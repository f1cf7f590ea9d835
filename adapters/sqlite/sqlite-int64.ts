import type { Int64Mode, Row } from '../../src/adapter.js';
import { int64OutOfRange } from '../../src/bound-values.js';
import type { SqliteStatement } from './sqlite-driver-types.js';

/**
 * Every SQLite INTEGER is 64-bit. better-sqlite3 returns it as a number (rounded beyond 2^53,
 * silently) or, with `safeIntegers`, always as a BigInt — which costs a BigInt per integer. So:
 * `bigint` and `string` read with safeIntegers on (the connection's default); `number` reads the
 * fast way and looks for numbers beyond ±(2^53−1): only when it finds one (a large integer, or a
 * REAL that large) is the statement run again with safeIntegers on, to tell which and to name the
 * column. Only a read-only statement can be run again; one that writes and returns rows (`…
 * RETURNING`) reads with safeIntegers on from the start.
 */

/** True when some value of `rows` is a number that may be a rounded 64-bit integer. */
function hasUnsafeNumber(rows: readonly Row[], columns: readonly string[]): boolean {
  for (const row of rows) {
    for (const name of columns) {
      const value = row[name];
      if (typeof value === 'number' && (value > Number.MAX_SAFE_INTEGER || value < -Number.MAX_SAFE_INTEGER)) return true;
    }
  }
  return false;
}

/** Rows read with safeIntegers on, as `mode` wants them (in place). */
export function convertSafeIntegers(mode: Int64Mode, row: Row, columns: readonly string[]): Row {
  if (mode === 'bigint') return row;
  for (const name of columns) {
    const value = row[name];
    if (typeof value !== 'bigint') continue;
    if (mode === 'string') {
      row[name] = value.toString();
      continue;
    }
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw int64OutOfRange('sqlite', name, value.toString());
    row[name] = n;
  }
  return row;
}

/** `statement.all()` with the one bind argument better-sqlite3 takes (an array or an object), or none. */
function all(statement: SqliteStatement, params: unknown): Row[] {
  return params === undefined ? statement.all() : statement.all(params);
}

function allSafe(statement: SqliteStatement, params: unknown): Row[] {
  statement.safeIntegers(true);
  try {
    return all(statement, params);
  } finally {
    statement.safeIntegers(false);
  }
}

/**
 * The rows of a statement that returns rows, with INTEGERs as `mode` says. `params` is the one
 * bind argument (converted already), `columns` the result's column names. With `number`, the
 * common result (no large value) costs one pass of type tests and no allocation.
 */
export function readAll(statement: SqliteStatement, mode: Int64Mode, params: unknown, columns: readonly string[]): Row[] {
  if (mode === 'bigint') return all(statement, params);
  if (mode === 'string') {
    const rows = all(statement, params);
    for (const row of rows) convertSafeIntegers(mode, row, columns);
    return rows;
  }
  if (statement.readonly) {
    const rows = all(statement, params);
    if (!hasUnsafeNumber(rows, columns)) return rows;
  }
  const rows = allSafe(statement, params);
  for (const row of rows) convertSafeIntegers(mode, row, columns);
  return rows;
}
