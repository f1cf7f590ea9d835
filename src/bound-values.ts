import type { Engine } from './adapter.js';
import { UnipoolError } from './errors.js';
import { isSqlStatement } from './sql-template.js';

/**
 * The rules every adapter applies to the values bound to a statement, so that a value means the
 * same on every engine: strings, numbers, booleans, bigints, Dates, Buffers/Uint8Arrays, null and
 * undefined (NULL) bind everywhere; each adapter converts what its driver does not take as it is
 * (SQLite: booleans as 1/0, Dates as ISO-8601 text). Anything else is refused with the parameter's
 * position, never bound as `String(value)`.
 */

/** What kind of bound value this is, for the adapter's conversion. */
export type BindKind = 'scalar' | 'boolean' | 'bigint' | 'date' | 'bytes' | 'array' | 'object';

/** A position for messages: a 1-based index (`$1`, `?`, `:1`) or a name (`:name`). */
export type ParamPosition = number | string;

/** The signed 64-bit range: PostgreSQL int8, SQLite INTEGER, Oracle NUMBER(19). */
export const INT64_RANGE: readonly [bigint, bigint] = [-(2n ** 63n), 2n ** 63n - 1n];

function where(position: ParamPosition): string {
  return typeof position === 'number' ? `parameter ${position}` : `parameter :${position}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isSqlStatement(value)) return 'a db.sql fragment';
  if (typeof value === 'object') {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return `a ${typeof value}`;
}

/** `UNIPOOL_INVALID_ARGUMENT` for a value that cannot be bound, naming its position. */
export function invalidParameter(engine: Engine, position: ParamPosition, value: unknown, hint?: string): UnipoolError {
  const why = isSqlStatement(value)
    ? 'a db.sql fragment is SQL, not a value: nest it inside a db.sql`…` template instead of passing it as a parameter'
    : value instanceof Date
      ? 'the Date is invalid (its time is NaN)'
      : (hint ?? 'it is not one of the types unipool binds on every engine');
  return new UnipoolError(
    'UNIPOOL_INVALID_ARGUMENT',
    `${engine}: ${where(position)} (${describe(value)}) cannot be bound: ${why}. Bind a string, number, boolean, bigint, Date, Buffer/Uint8Array, null or undefined.`,
  );
}

/**
 * The kind of a bound value, or `undefined` for one no engine binds (functions, symbols, invalid
 * Dates, `db.sql` fragments, class instances other than Date and byte arrays). Plain objects and
 * arrays are `object`/`array`: whether they bind depends on the engine.
 */
export function bindKind(value: unknown): BindKind | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'undefined':
      return 'scalar';
    case 'boolean':
      return 'boolean';
    case 'bigint':
      return 'bigint';
    case 'object': {
      if (value === null) return 'scalar';
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : 'date';
      if (ArrayBuffer.isView(value)) return value instanceof Uint8Array ? 'bytes' : undefined;
      if (Array.isArray(value)) return 'array';
      const proto: unknown = Object.getPrototypeOf(value);
      if ((proto === Object.prototype || proto === null) && !isSqlStatement(value)) return 'object';
      return undefined;
    }
    default:
      return undefined;
  }
}

/** A `bytes` value as the Buffer drivers bind: a Buffer as it is, another Uint8Array as a Buffer over the same bytes (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `UNIPOOL_VALUE_OUT_OF_RANGE` unless `value` lies within `[min, max]`. */
export function checkBigintRange(engine: Engine, position: ParamPosition, value: bigint, [min, max]: readonly [bigint, bigint]): void {
  if (value < min || value > max) {
    throw new UnipoolError(
      'UNIPOOL_VALUE_OUT_OF_RANGE',
      `${engine}: ${where(position)} is the bigint ${value}, outside the engine's integer range [${min}, ${max}]. Bind it as a string for a DECIMAL/NUMERIC column.`,
    );
  }
}

/**
 * `UNIPOOL_VALUE_OUT_OF_RANGE` for a 64-bit integer that a JS number cannot hold exactly
 * (`int64: 'number'`), naming the column instead of returning a rounded number.
 */
export function int64OutOfRange(engine: Engine, column: string, text: string): UnipoolError {
  return new UnipoolError(
    'UNIPOOL_VALUE_OUT_OF_RANGE',
    `${engine}: column "${column}" holds the 64-bit integer ${text}, beyond ±(2^53−1), which a JS number cannot hold exactly (int64: "number"). Set the database option int64 to "bigint" or "string", or cast the column in SQL.`,
  );
}

/**
 * `params` with `convert` applied to each value (positional: 1-based position; named: the name).
 * Returns the same array or object when no value changed, so the common case allocates nothing;
 * otherwise a converted copy — the caller's parameters are never changed.
 */
export function mapBoundValues<P extends readonly unknown[] | Readonly<Record<string, unknown>>>(params: P, convert: (position: ParamPosition, value: unknown) => unknown): P {
  if (Array.isArray(params)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < params.length; i++) {
      const value: unknown = params[i];
      const converted = convert(i + 1, value);
      if (converted !== value) (copy ??= [...(params as readonly unknown[])])[i] = converted;
    }
    return (copy ?? params) as P;
  }
  let copy: Record<string, unknown> | undefined;
  const named = params as Readonly<Record<string, unknown>>;
  for (const name of Object.keys(named)) {
    const value = named[name];
    const converted = convert(name, value);
    if (converted !== value) (copy ??= { ...named })[name] = converted;
  }
  return (copy ?? params) as P;
}
