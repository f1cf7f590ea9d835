import type { Engine } from './adapter.js';
import { UnipoolError } from './errors.js';

/**
 * A driver's own TypeError or RangeError raised while binding a statement's values — better-sqlite3
 * binds only numbers, strings, bigints, Buffers and null, and counts the values; mysql2 cannot escape
 * an object without a prototype; pg cannot JSON-encode a BigInt inside an object — is an error in the
 * call's arguments, not a database error: it becomes `UNIPOOL_INVALID_ARGUMENT` with the driver's
 * error as `cause`. Database errors (SQLSTATE, errno, SQLITE_*) and everything else pass unchanged.
 */
export function asParameterError(alias: string, engine: Engine, error: unknown): unknown {
  if (!(error instanceof TypeError || error instanceof RangeError)) return error;
  return new UnipoolError(
    'UNIPOOL_INVALID_ARGUMENT',
    `unipool: pool "${alias}": the ${engine} driver rejected the statement's parameters: ${error.message}. Check the values passed (each engine binds different JavaScript types; see its page in the docs).`,
    { cause: error },
  );
}
