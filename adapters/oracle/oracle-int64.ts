import type { Int64Mode } from '../../src/adapter.js';
import { int64OutOfRange } from '../../src/bound-values.js';

/** The column metadata oracledb hands a `fetchTypeHandler`. */
export interface OracleFetchMetaData {
  readonly name: string;
  /** oracledb's DbType of the column. */
  readonly dbType?: unknown;
  /** NUMBER(p, s): `scale` 0 is an integer column; an unconstrained NUMBER (`COUNT(*)`) has -127. */
  readonly precision?: number;
  readonly scale?: number;
}

/** What a `fetchTypeHandler` returns: fetch the column as `type`, then pass each value to `converter`. */
export interface OracleFetchType {
  readonly type: unknown;
  readonly converter: (value: string | null) => unknown;
}

/** The oracledb constants the handler needs. */
export interface OracleNumberTypes {
  readonly DB_TYPE_NUMBER: unknown;
  readonly STRING: unknown;
}

/** Decimal text of an integer: no point, no exponent. */
const INTEGER_TEXT = /^-?\d+$/;

function converterFor(mode: Int64Mode, column: string, integerColumn: boolean): (text: string | null) => unknown {
  return (text) => {
    if (text === null) return null;
    if (!integerColumn && !INTEGER_TEXT.test(text)) return Number(text);
    if (mode === 'string') return text;
    if (mode === 'bigint') return BigInt(text);
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw int64OutOfRange('oracle', column, text);
    return n;
  };
}

/**
 * The `fetchTypeHandler` for `mode`. oracledb returns every NUMBER as a JS number, rounding
 * integers beyond 2^53 silently; so NUMBER columns are fetched as text and converted: an integer
 * (a NUMBER(p, 0) column, or an integer value of an unconstrained NUMBER such as COUNT(*)) follows
 * `mode`; any other value becomes a number, as oracledb would return it. Undefined for other types:
 * oracledb's own mapping applies.
 */
export function oracleFetchTypeHandler(mode: Int64Mode, types: OracleNumberTypes): (metaData: OracleFetchMetaData) => OracleFetchType | undefined {
  return (metaData) => {
    if (metaData.dbType !== types.DB_TYPE_NUMBER) return undefined;
    // NUMBER(p, s > 0) holds fractions only: oracledb's number is what the application expects.
    if (metaData.scale !== undefined && metaData.scale > 0) return undefined;
    return { type: types.STRING, converter: converterFor(mode, metaData.name, metaData.scale === 0) };
  };
}
