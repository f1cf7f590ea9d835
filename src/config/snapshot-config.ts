import type { ConfigIssue } from '../errors.js';
import { configPath } from './config-path.js';
import { redactSecrets } from './redact-secrets.js';

/** A safe, plain copy of the user's config and the places that could not be read. */
export interface ConfigSnapshot {
  /** The copy: objects at the root, database and pool levels are null-prototype copies. */
  readonly value: unknown;
  /** "could not be read" problems (a getter or proxy trap threw). */
  readonly issues: readonly ConfigIssue[];
  /** Paths (as key lists) whose content is unknown; other problems under them are not reported. */
  readonly unreadable: readonly (readonly string[])[];
}

// The keys under a database whose values are copied deeply (they are passed on to the driver;
// a replica entry holds the same kinds of values).
const DEEP_KEYS = new Set(['options', 'ssl', 'replicas']);

/**
 * Copies the config before anything else looks at it, so that validation sees plain data and the
 * user's object is never touched again: getters run once, a getter or proxy trap that throws
 * becomes a `ConfigIssue` (never a TypeError), a `__proto__` key stays an ordinary key, and
 * `options`/`ssl` are copied deeply (cycles kept as cycles; class instances such as Buffers and
 * functions are kept by reference, because the driver needs them as they are).
 */
export function snapshotConfig(input: unknown): ConfigSnapshot {
  const issues: ConfigIssue[] = [];
  const unreadable: string[][] = [];
  const reader = new Reader(issues, unreadable);
  const value = reader.level(input, [], (databaseValue, databasePath) =>
    reader.level(databaseValue, databasePath, (fieldValue, fieldPath) => {
      const key = fieldPath[fieldPath.length - 1] ?? '';
      if (key === 'pool') return reader.level(fieldValue, fieldPath, (poolValue) => poolValue);
      return DEEP_KEYS.has(key) ? reader.deep(fieldValue, fieldPath, new Map()) : fieldValue;
    }),
  );
  return { value, issues, unreadable };
}

class Reader {
  readonly #issues: ConfigIssue[];
  readonly #unreadable: string[][];

  constructor(issues: ConfigIssue[], unreadable: string[][]) {
    this.#issues = issues;
    this.#unreadable = unreadable;
  }

  /** Copies one object level into a null-prototype object, mapping each value with `child`. */
  level(value: unknown, path: string[], child: (value: unknown, path: string[]) => unknown): unknown {
    if (typeof value !== 'object' || value === null) return value;
    let isArray: boolean;
    try {
      isArray = Array.isArray(value);
    } catch (error) {
      // A revoked proxy: report it, and hand validation an empty object it can read safely.
      this.#unreadableAt(path, error);
      return Object.create(null) as unknown;
    }
    if (isArray) return value;
    const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [key, entry] of this.#entries(value, path)) copy[key] = child(entry, [...path, key]);
    return copy;
  }

  /** Copies plain objects and arrays deeply; anything else is kept by reference. */
  deep(value: unknown, path: string[], seen: Map<object, unknown>): unknown {
    if (typeof value !== 'object' || value === null) return value;
    const known = seen.get(value);
    if (known !== undefined) return known;
    let isArray: boolean;
    let proto: unknown;
    try {
      isArray = Array.isArray(value);
      proto = Object.getPrototypeOf(value);
    } catch (error) {
      this.#unreadableAt(path, error);
      return undefined;
    }
    if (!isArray && proto !== null && proto !== Object.prototype) return value;
    const copy: Record<string, unknown> | unknown[] = isArray ? [] : {};
    seen.set(value, copy);
    for (const [key, entry] of this.#entries(value, path)) {
      // defineProperty, not assignment: a "__proto__" key must stay data, not replace the prototype.
      Object.defineProperty(copy, key, { value: this.deep(entry, [...path, key], seen), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }

  #entries(value: object, path: string[]): [string, unknown][] {
    let keys: string[];
    try {
      keys = Object.keys(value);
    } catch (error) {
      this.#unreadableAt(path, error);
      return [];
    }
    const entries: [string, unknown][] = [];
    for (const key of keys) {
      try {
        entries.push([key, (value as Record<string, unknown>)[key]]);
      } catch (error) {
        this.#unreadableAt([...path, key], error);
      }
    }
    return entries;
  }

  #unreadableAt(path: string[], error: unknown): void {
    this.#unreadable.push(path);
    this.#issues.push({ path: configPath(path), message: `could not be read: ${errorText(error)} — pass plain data (no getters that throw, no proxies)` });
  }
}

function errorText(error: unknown): string {
  try {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const redacted = redactSecrets(text);
    return redacted.length > 120 ? `${redacted.slice(0, 119)}…` : redacted;
  } catch {
    return 'an error that cannot be printed';
  }
}
