import { UnipoolError } from '../../src/errors.js';

/**
 * `"name"` as a PostgreSQL quoted identifier, embedded double quotes doubled (the SQL standard's
 * escape). PostgreSQL text cannot hold NUL, and an empty quoted identifier is a syntax error: both
 * are refused here rather than left for the server to misread.
 */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\u0000')) {
    throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `postgres: ${JSON.stringify(name)} is not a valid identifier (empty or containing NUL).`);
  }
  return `"${name.replace(/"/g, '""')}"`;
}
