import type { Adapter } from './adapter.js';
import { UnipoolError } from './errors.js';

const SQL_STATEMENT = Symbol('unipool.sql');

/** A statement compiled from `db.sql\`…\``: text with the engine's placeholders, and the bound values. */
export interface SqlStatement {
  readonly text: string;
  readonly values: readonly unknown[];
  readonly [SQL_STATEMENT]: true;
}

/** True for objects made by `db.sql`. @internal */
export function isSqlStatement(value: unknown): value is SqlStatement {
  return typeof value === 'object' && value !== null && (value as Partial<SqlStatement>)[SQL_STATEMENT] === true;
}

/** Compiles a tagged template to `adapter`'s placeholders (`$1`, `?`, `:1`). @internal */
export function compileSql(adapter: Pick<Adapter, 'placeholder'>, strings: TemplateStringsArray, values: readonly unknown[]): SqlStatement {
  if (!Array.isArray(strings) || !Array.isArray((strings as { raw?: unknown }).raw) || !strings.every((part) => typeof part === 'string')) {
    throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', 'db.sql is a tagged template: write db.sql`SELECT … WHERE id = ${id}`, not db.sql(...)');
  }
  let text = strings[0] ?? '';
  for (let i = 1; i < strings.length; i++) text += adapter.placeholder(i) + strings[i];
  return Object.freeze({ text, values: Object.freeze([...values]), [SQL_STATEMENT]: true as const });
}
