import { UnipoolError } from '../../src/errors.js';

/** `` `name` `` with embedded backticks doubled, for savepoint and database names. */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\u0000')) {
    throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `mysql: ${JSON.stringify(name)} is not a valid identifier (empty or containing NUL).`);
  }
  return `\`${name.replace(/`/g, '``')}\``;
}

/**
 * A server-reported setting (charset, collation, sql_mode list) as a string literal. These are
 * plain words, so quoting needs no escaping — which also keeps it right under NO_BACKSLASH_ESCAPES
 * and ANSI_QUOTES; anything else is refused rather than escaped.
 */
export function quoteSettingValue(value: string): string {
  if (!/^[A-Za-z0-9_,]*$/.test(value)) {
    throw new UnipoolError('UNIPOOL_UNSUPPORTED', `mysql: cannot restore the session setting ${JSON.stringify(value)} after a reset: unexpected characters.`);
  }
  return `'${value}'`;
}
