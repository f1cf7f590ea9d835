import type { Adapter, Engine } from './adapter.js';
import { UnipoolError } from './errors.js';

const SQL_STATEMENT = Symbol('unipool.sql');

/**
 * What a statement is made of, kept so it can be inlined into another: the SQL text between the
 * values (`strings.length === values.length + 1`), the values (nested fragments already flattened),
 * and the engine whose identifier quoting the text may contain.
 */
interface SqlParts {
  readonly engine: Engine;
  readonly strings: readonly string[];
  readonly values: readonly unknown[];
}

/**
 * A statement compiled from `db.sql\`…\``: text with the engine's placeholders, and the bound values.
 * It can also be nested in another `db.sql` template, where it is inlined with its values renumbered.
 */
export interface SqlStatement {
  readonly text: string;
  readonly values: readonly unknown[];
  readonly [SQL_STATEMENT]: SqlParts;
}

/** The engine-specific pieces `db.sql` needs from an adapter. @internal */
export type SqlDialect = Pick<Adapter, 'engine' | 'placeholder' | 'quoteIdentifier'>;

/** True for objects made by `db.sql` (and `db.sql.join/id/raw`). @internal */
export function isSqlStatement(value: unknown): value is SqlStatement {
  return typeof value === 'object' && value !== null && (value as Partial<SqlStatement>)[SQL_STATEMENT] !== undefined;
}

/** The engine a `db.sql` statement was built for. @internal */
export function sqlEngineOf(statement: SqlStatement): Engine {
  return statement[SQL_STATEMENT].engine;
}

function otherEngine(dialect: SqlDialect, inner: SqlParts, where: string): UnipoolError {
  return new UnipoolError(
    'UNIPOOL_INVALID_ARGUMENT',
    `${where}: a db.sql fragment built for engine "${inner.engine}" cannot be used on engine "${dialect.engine}" (placeholders and identifier quoting differ). Build the fragment with this database's db.sql.`,
  );
}

/**
 * Builds a statement from SQL text pieces and values: a value that is itself a `db.sql` statement
 * is inlined (its text spliced in, its values appended in order); every other value is bound.
 */
function build(dialect: SqlDialect, strings: readonly string[], values: readonly unknown[], where: string): SqlStatement {
  const parts: string[] = [strings[0] ?? ''];
  const flat: unknown[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const after = strings[i + 1] ?? '';
    if (!isSqlStatement(value)) {
      flat.push(value);
      parts.push(after);
      continue;
    }
    const inner = value[SQL_STATEMENT];
    if (inner.engine !== dialect.engine) throw otherEngine(dialect, inner, where);
    parts[parts.length - 1] += inner.strings[0] ?? '';
    for (let j = 0; j < inner.values.length; j++) {
      flat.push(inner.values[j]);
      parts.push(inner.strings[j + 1] ?? '');
    }
    parts[parts.length - 1] += after;
  }
  let text = parts[0] ?? '';
  for (let n = 1; n < parts.length; n++) text += dialect.placeholder(n) + parts[n];
  const frozenValues = Object.freeze(flat);
  return Object.freeze({ text, values: frozenValues, [SQL_STATEMENT]: Object.freeze({ engine: dialect.engine, strings: Object.freeze(parts), values: frozenValues }) });
}

/** Compiles a tagged template to `dialect`'s placeholders (`$1`, `?`, `:1`); nested `db.sql` fragments are inlined. @internal */
export function compileSql(dialect: SqlDialect, strings: TemplateStringsArray, values: readonly unknown[]): SqlStatement {
  if (!Array.isArray(strings) || !Array.isArray((strings as { raw?: unknown }).raw) || !strings.every((part) => typeof part === 'string')) {
    throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', 'db.sql is a tagged template: write db.sql`SELECT … WHERE id = ${id}`, not db.sql(...)');
  }
  return build(dialect, strings, values, 'db.sql');
}

/**
 * `db.sql.raw(text)`: `text` inserted into the statement as SQL, unchecked and unescaped. Unsafe
 * with anything a user can influence; for SQL the program itself writes (a sort direction chosen
 * from a fixed list, a dialect-specific clause).
 */
export function rawSql(dialect: SqlDialect, text: unknown): SqlStatement {
  if (typeof text !== 'string') {
    throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.sql.raw(text): text must be a string, got ${describe(text)}`);
  }
  return build(dialect, [text], [], 'db.sql.raw');
}

/**
 * `db.sql.id(name)`: a quoted identifier. A string is split at dots (`'app.users'` → `"app"."users"`,
 * the usual schema-qualified spelling); an array gives the parts as they are, so a name that
 * contains a dot is written `db.sql.id(['odd.name'])`. Each part is quoted by the engine (quotes
 * doubled; empty parts and NUL refused).
 */
export function identifierSql(dialect: SqlDialect, name: unknown): SqlStatement {
  const parts = typeof name === 'string' ? name.split('.') : Array.isArray(name) ? (name as unknown[]) : undefined;
  if (parts === undefined || parts.length === 0 || !parts.every((part): part is string => typeof part === 'string' && part !== '')) {
    throw new UnipoolError(
      'UNIPOOL_INVALID_ARGUMENT',
      `db.sql.id(name): name must be a non-empty string ('users', 'app.users') or a non-empty array of non-empty strings (['app', 'odd.name']), got ${describe(name)}`,
    );
  }
  return build(dialect, [parts.map((part) => dialect.quoteIdentifier(part)).join('.')], [], 'db.sql.id');
}

/**
 * `db.sql.join(items, separator = ', ')`: the items one after another with `separator` between
 * them. A `db.sql` item is inlined; any other item is bound as a value (`IN (${db.sql.join(ids)})`).
 * `separator` is SQL text (or a `db.sql` fragment), never a value: do not build it from user input.
 * An empty list gives an empty fragment.
 */
export function joinSql(dialect: SqlDialect, items: unknown, separator: unknown = ', '): SqlStatement {
  if (!Array.isArray(items)) {
    throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.sql.join(items, separator): items must be an array, got ${describe(items)}`);
  }
  let glue: SqlStatement;
  if (typeof separator === 'string') glue = build(dialect, [separator], [], 'db.sql.join');
  else if (isSqlStatement(separator)) glue = separator;
  else throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.sql.join(items, separator): separator must be a string of SQL or a db.sql fragment, got ${describe(separator)}`);
  const strings: string[] = [''];
  const values: unknown[] = [];
  items.forEach((item, index) => {
    if (index > 0) {
      values.push(glue);
      strings.push('');
    }
    values.push(item);
    strings.push('');
  });
  return build(dialect, strings, values, 'db.sql.join');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/**
 * `db.sql`: a tagged template compiled to the engine's placeholders, with helpers to compose
 * statements. Values are always bound, never interpolated; only `raw()` inserts text unchecked.
 */
export interface SqlTag {
  (strings: TemplateStringsArray, ...values: unknown[]): SqlStatement;
  /** Items joined by `separator` (SQL text, default `', '`): fragments inlined, other items bound. */
  join(items: readonly unknown[], separator?: string | SqlStatement): SqlStatement;
  /** A quoted identifier; a string is split at dots, an array gives the parts as they are. */
  id(name: string | readonly string[]): SqlStatement;
  /** SQL text inserted as it is. Unsafe: never pass anything a user can influence. */
  raw(text: string): SqlStatement;
}

/** The `db.sql` tag of one database. */
export function createSqlTag(dialect: SqlDialect): SqlTag {
  const tag = (strings: TemplateStringsArray, ...values: unknown[]): SqlStatement => compileSql(dialect, strings, values);
  return Object.freeze(
    Object.assign(tag, {
      join: (items: readonly unknown[], separator?: string | SqlStatement) => joinSql(dialect, items, separator),
      id: (name: string | readonly string[]) => identifierSql(dialect, name),
      raw: (text: string) => rawSql(dialect, text),
    }),
  );
}
