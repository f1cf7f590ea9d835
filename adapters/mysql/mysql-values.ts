import type { QueryParams } from '../../src/adapter.js';
import { bindKind, checkBigintRange, invalidParameter, type ParamPosition } from '../../src/bound-values.js';

/** BIGINT and BIGINT UNSIGNED together: a bound bigint must fit one of them. */
const MYSQL_INTEGER_RANGE: readonly [bigint, bigint] = [-(2n ** 63n), 2n ** 64n - 1n];

const NOT_EXPANDED =
  'mysql2 would expand it into SQL text (an array into a list, an object into `key` = value pairs, which has been used to bypass WHERE clauses) instead of binding one value. For a JSON column pass JSON.stringify(value); for an IN list use db.sql.join(values)';

function check(position: ParamPosition, value: unknown): void {
  const kind = bindKind(value);
  if (kind === 'scalar' || kind === 'boolean' || kind === 'date' || kind === 'bytes') return;
  if (kind === 'bigint') return checkBigintRange('mysql', position, value as bigint, MYSQL_INTEGER_RANGE);
  throw invalidParameter('mysql', position, value, kind === 'array' || kind === 'object' ? NOT_EXPANDED : undefined);
}

/**
 * Checks the values of one statement before mysql2 escapes them into the text-protocol query.
 * mysql2 escapes the shared types itself (a Date in the connection's `timezone`, a Buffer or
 * Uint8Array as a hex literal, a bigint as its digits); no copy is made.
 */
export function checkMysqlValues(params: QueryParams): void {
  if (Array.isArray(params)) {
    for (let i = 0; i < params.length; i++) check(i + 1, params[i]);
    return;
  }
  for (const name of Object.keys(params)) check(name, (params as Readonly<Record<string, unknown>>)[name]);
}
