import { redactSecrets } from './redact-secrets.js';

const MAX_STRING_LENGTH = 80;

/**
 * How a received value is shown after "got" in a config message: strings JSON-quoted (shortened, and
 * with any connection-URL password redacted), numbers as written, other values by their kind.
 * With `secret`, only the kind is shown (`a string`), never the value. Never throws, whatever the
 * value (proxies, objects with throwing getters, symbols, bigints).
 */
export function describeValue(value: unknown, options: { secret?: boolean } = {}): string {
  if (options.secret === true && value !== undefined && value !== null) return kindOf(value);
  switch (typeof value) {
    case 'string': {
      const redacted = redactSecrets(value);
      const shown = redacted.length > MAX_STRING_LENGTH ? `${redacted.slice(0, MAX_STRING_LENGTH - 1)}…` : redacted;
      return JSON.stringify(shown);
    }
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
    case 'undefined':
      return String(value);
    default:
      return value === null ? 'null' : kindOf(value);
  }
}

/** The kind of a value with an article: `a string`, `an array`, `an object (Date)`. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object') return `${article(typeof value)} ${typeof value}`;
  try {
    if (Array.isArray(value)) return 'an array';
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === null || proto === Object.prototype) return 'an object';
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? `an object (${name})` : 'an object';
  } catch {
    // A revoked proxy or a trap that throws: still an object, and still no TypeError.
    return 'an object';
  }
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}
