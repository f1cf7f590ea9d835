import type { QueryParams } from '../../src/adapter.js';
import { asBuffer, bindKind, checkBigintRange, INT64_RANGE, invalidParameter, mapBoundValues, type ParamPosition } from '../../src/bound-values.js';
import type { OracleBinds } from './oracle-driver-types.js';

/** The keys of an oracledb bind definition (`{ dir: oracledb.BIND_OUT, type: oracledb.NUMBER }`). */
const BIND_DEFINITION_KEYS = ['dir', 'type', 'val', 'maxSize', 'maxArraySize'];

function isBindDefinition(value: object): boolean {
  return Object.keys(value).some((key) => BIND_DEFINITION_KEYS.includes(key));
}

/**
 * One value as oracledb binds it: a boolean as 1/0 (Oracle before 23ai has no SQL BOOLEAN, and
 * NUMBER(1) is the convention), undefined as NULL, a Uint8Array as a Buffer over the same bytes;
 * Dates, Buffers and bigints (within the signed 64-bit range) as oracledb binds them. A plain
 * object is an oracledb bind definition (`{ dir, type, val }`, e.g. for RETURNING … INTO) and is
 * passed on; other objects and arrays are refused.
 */
function convert(position: ParamPosition, value: unknown): unknown {
  switch (bindKind(value)) {
    case 'scalar':
      return value === undefined ? null : value;
    case 'boolean':
      return value === true ? 1 : 0;
    case 'date':
      return value;
    case 'bytes':
      return asBuffer(value as Uint8Array);
    case 'bigint':
      checkBigintRange('oracle', position, value as bigint, INT64_RANGE);
      return value;
    case 'object':
      if (isBindDefinition(value as object)) return value;
      throw invalidParameter('oracle', position, value, 'a plain object is bound only as an oracledb bind definition ({ dir, type, val }); pass JSON.stringify(value) for JSON text');
    case 'array':
      throw invalidParameter('oracle', position, value, 'arrays bind only to PL/SQL collections through an oracledb bind definition; use db.sql.join(values) for an IN list');
    default:
      throw invalidParameter('oracle', position, value);
  }
}

/** The binds as oracledb takes them: the same array or object when nothing needs converting, otherwise a converted copy. */
export function toOracleBinds(params: QueryParams | undefined): OracleBinds {
  if (params === undefined) return [];
  return mapBoundValues(params, convert);
}
