import { UnipoolError } from '../../src/errors.js';

/**
 * `"name"` as a SQLite quoted identifier, embedded double quotes doubled. SQLite ends a C string at
 * NUL, so a name containing one would be cut short silently: refused instead.
 */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\u0000')) {
    throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `sqlite: ${JSON.stringify(name)} is not a valid identifier (empty or containing NUL).`);
  }
  return `"${name.replace(/"/g, '""')}"`;
}
