import type { QueryParams } from '../../src/adapter.js';
import { asBuffer, bindKind, checkBigintRange, INT64_RANGE, invalidParameter, mapBoundValues, type ParamPosition } from '../../src/bound-values.js';

/**
 * One value as better-sqlite3 binds it. better-sqlite3 takes only numbers, strings, bigints,
 * Buffers and null, so: a boolean becomes 1/0, a Date its ISO-8601 text (UTC, sortable, what
 * SQLite's date functions read), undefined NULL, a Uint8Array a Buffer over the same bytes.
 * SQLite has no JSON type, so plain objects and arrays are refused (JSON.stringify them).
 */
function convert(position: ParamPosition, value: unknown): unknown {
  switch (bindKind(value)) {
    case 'scalar':
      return value === undefined ? null : value;
    case 'boolean':
      return value === true ? 1 : 0;
    case 'date':
      return (value as Date).toISOString();
    case 'bytes':
      return asBuffer(value as Uint8Array);
    case 'bigint':
      checkBigintRange('sqlite', position, value as bigint, INT64_RANGE);
      return value;
    case 'array':
    case 'object':
      throw invalidParameter('sqlite', position, value, 'SQLite has no JSON or array type: pass JSON.stringify(value) for a JSON text column, or use db.sql.join(values) for an IN list');
    default:
      throw invalidParameter('sqlite', position, value);
  }
}

/**
 * The parameters as better-sqlite3 binds them: the same array or object when nothing needs
 * converting (the common case allocates nothing), otherwise a converted copy.
 */
export function toSqliteParams(params: QueryParams): QueryParams {
  return mapBoundValues(params, convert);
}
