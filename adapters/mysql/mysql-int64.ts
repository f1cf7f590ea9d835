import type { Int64Mode, Row } from '../../src/adapter.js';
import { int64OutOfRange } from '../../src/bound-values.js';
import type { MysqlField } from './mysql-driver-types.js';

/** `MYSQL_TYPE_LONGLONG`: BIGINT, and what `COUNT(*)` and large integer literals return. */
export const LONGLONG = 8;

/**
 * The mysql2 options for `mode`. mysql2 otherwise parses a BIGINT with `Number()`, silently
 * rounding beyond 2^53. With `supportBigNumbers` it returns a number when exact and the digits as a
 * string when not (`number`: the string is then refused); with `bigNumberStrings` too, always the
 * digits (`string`, and `bigint`, which turns them into BigInts).
 */
export function mysqlInt64Options(mode: Int64Mode): Record<string, boolean> {
  return { supportBigNumbers: true, bigNumberStrings: mode !== 'number' };
}

/** The names of the BIGINT columns among `fields` (usually none: then no array is made). */
export function longlongColumns(fields: readonly MysqlField[] | undefined): readonly string[] {
  let names: string[] | undefined;
  for (const field of fields ?? []) if (field.columnType === LONGLONG) (names ??= []).push(field.name);
  return names ?? NONE;
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * Applies `mode` to the BIGINT columns of `rows`, in place: `number` — a value mysql2 left as a
 * string did not fit a number: UNIPOOL_VALUE_OUT_OF_RANGE naming the column; `bigint` — the digits
 * become a BigInt; `string` — nothing to do. Only the BIGINT columns are looked at.
 */
export function applyInt64(mode: Int64Mode, rows: readonly Row[], columns: readonly string[]): void {
  if (mode === 'string' || columns.length === 0) return;
  for (const row of rows) applyInt64ToRow(mode, row, columns);
}

/** `applyInt64()` for one row (a streamed one). */
export function applyInt64ToRow(mode: Int64Mode, row: Row, columns: readonly string[]): void {
  for (const name of columns) {
    const value = row[name];
    if (typeof value !== 'string' || mode === 'string') continue;
    if (mode === 'number') throw int64OutOfRange('mysql', name, value);
    row[name] = BigInt(value);
  }
}

/**
 * `applyInt64(mode, rows, longlongColumns(fields))` without the list of names: the reply of every
 * query goes through here, and a one-row SELECT of a bound integer has a BIGINT column.
 */
export function applyInt64ToFields(mode: Int64Mode, rows: readonly Row[], fields: readonly MysqlField[]): void {
  if (mode === 'string') return;
  for (const row of rows) {
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as MysqlField;
      if (field.columnType !== LONGLONG) continue;
      const value = row[field.name];
      if (typeof value !== 'string') continue;
      if (mode === 'number') throw int64OutOfRange('mysql', field.name, value);
      row[field.name] = BigInt(value);
    }
  }
}
