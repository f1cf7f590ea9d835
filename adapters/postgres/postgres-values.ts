import { bindKind, checkBigintRange, INT64_RANGE, invalidParameter } from '../../src/bound-values.js';

/**
 * pg's `toPostgres()` hook: an object that says how it is sent. Explicit, so it stays allowed,
 * like pg's own custom types.
 */
function hasToPostgres(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { toPostgres?: unknown }).toPostgres === 'function';
}

/** True when pg can send `value` as an element of a PostgreSQL array. */
function isArrayElement(value: unknown): boolean {
  const kind = bindKind(value);
  if (kind === 'array') return (value as unknown[]).every(isArrayElement);
  return kind !== undefined || hasToPostgres(value);
}

/**
 * Checks the values of one statement before pg serialises them; pg itself would send a function's
 * source text or any class instance's JSON. pg binds the shared types itself (a Date as a timestamp
 * with the local offset, a Uint8Array as bytea, a bigint as its digits); what PostgreSQL adds is a
 * JSON type and arrays: a plain object is sent as JSON text, an array as a PostgreSQL array
 * (`= ANY($1)`). No copy, no allocation: one type test per value.
 */
export function checkPostgresValues(values: readonly unknown[]): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const kind = bindKind(value);
    if (kind === 'scalar' || kind === 'boolean' || kind === 'date' || kind === 'bytes' || kind === 'object') continue;
    if (kind === 'bigint') {
      checkBigintRange('postgres', i + 1, value as bigint, INT64_RANGE);
      continue;
    }
    if (kind === 'array') {
      if (isArrayElement(value)) continue;
      throw invalidParameter('postgres', i + 1, value, 'an element of the array cannot be bound (functions, symbols, class instances, invalid Dates)');
    }
    if (hasToPostgres(value)) continue;
    throw invalidParameter('postgres', i + 1, value);
  }
}
