import type { Int64Mode, Row } from '../../src/adapter.js';
import { int64OutOfRange } from '../../src/bound-values.js';
import type { PgFieldDescription, PgTypeParsers } from './postgres-driver-types.js';

/** The type OID of `int8` (`bigint`, `count(*)`, `bigserial`). */
export const INT8_OID = 20;

type Parser = (value: string) => unknown;

/**
 * `int64: 'number'`: a number when it is exact; otherwise the BigInt, which `checkInt8Columns()`
 * turns into UNIPOOL_VALUE_OUT_OF_RANGE naming the column. The parser itself must not throw: pg
 * catches a throwing parser in a query, but pg-cursor does not, and the throw would escape from
 * the socket's data handler.
 */
const toNumber: Parser = (text) => {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
};
const toBigint: Parser = (text) => BigInt(text);
const asText: Parser = (text) => text;

const PARSERS: Readonly<Record<Int64Mode, Parser>> = { number: toNumber, string: asText, bigint: toBigint };

/**
 * The `types` option for `new pg.Client()`: the int8 text parser of `mode`, every other type as
 * `base` (the application's own `options.types`, or pg's registry) parses it. Per connection, so
 * int8 costs one parser call per value — no extra pass over the rows — and pg's global registry
 * (`pg.types.setTypeParser`) is left alone for the rest of the application.
 */
export function int64TypeParsers(mode: Int64Mode, base: PgTypeParsers): PgTypeParsers {
  const int8 = PARSERS[mode];
  return {
    getTypeParser(oid, format) {
      if (oid === INT8_OID && (format === undefined || format === 'text')) return int8;
      return base.getTypeParser(oid, format);
    },
  };
}

/** The names of the int8 columns among `fields` (usually none: then no array is made). */
export function int8Columns(fields: readonly PgFieldDescription[] | undefined): readonly string[] {
  let names: string[] | undefined;
  for (const field of fields ?? []) if (field.dataTypeID === INT8_OID) (names ??= []).push(field.name);
  return names ?? NONE;
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * `int64: 'number'`: throws UNIPOOL_VALUE_OUT_OF_RANGE, naming the column, when an int8 value of
 * `rows` did not fit a number. Looks at the int8 columns only, and only when there are some.
 */
export function checkInt8Columns(rows: readonly Row[], columns: readonly string[]): void {
  for (const name of columns) {
    for (const row of rows) {
      const value = row[name];
      if (typeof value === 'bigint') throw int64OutOfRange('postgres', name, value.toString());
    }
  }
}

/** `checkInt8Columns()` straight from a result's fields: no array of names is made (every query with int8 columns passes here). */
export function checkInt8Fields(rows: readonly Row[], fields: readonly PgFieldDescription[]): void {
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as PgFieldDescription;
    if (field.dataTypeID !== INT8_OID) continue;
    const name = field.name;
    for (const row of rows) {
      const value = row[name];
      if (typeof value === 'bigint') throw int64OutOfRange('postgres', name, value.toString());
    }
  }
}
