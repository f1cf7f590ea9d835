import { UnipoolError } from '../../src/errors.js';

/** Oracle's identifier limit from 12.2 on, in bytes. */
const MAX_IDENTIFIER_BYTES = 128;

/**
 * `"name"` as an Oracle quoted identifier, for savepoint names. Oracle has no escape for a double
 * quote inside one, so such names (and empty or over-long ones) are refused rather than mangled.
 */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('"') || name.includes('\u0000') || Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw new UnipoolError(
      'UNIPOOL_INVALID_ARGUMENT',
      `oracle: ${JSON.stringify(name)} cannot be an Oracle identifier: it must be 1 to ${MAX_IDENTIFIER_BYTES} bytes without double quotes or NUL.`,
    );
  }
  return `"${name}"`;
}
