import { createRequire } from 'node:module';
import { UnipoolError } from '../../src/errors.js';

/** mysql2's client-side escaping (`escape`, `escapeId`, `format`), as its module exports it. */
export interface MysqlEscaping {
  escape(value: unknown): string;
  escapeId(value: unknown): string;
  format(sql: string, values?: unknown): string;
}

let escaping: MysqlEscaping | undefined;

/**
 * mysql2's own escaping functions, for `db.mysqlPool().escape()`/`format()`: synchronous like
 * mysql2's, so the package is required here (on the first call only) rather than imported.
 */
export function mysqlEscaping(): MysqlEscaping {
  if (escaping !== undefined) return escaping;
  try {
    escaping = createRequire(import.meta.url)('mysql2') as MysqlEscaping;
  } catch (error) {
    throw new UnipoolError('UNIPOOL_DRIVER_MISSING', 'engine "mysql" needs the package "mysql2": npm install mysql2', { cause: error });
  }
  return escaping;
}
