import { ErrorCodes } from '../../src/errors.js';
import { code, generatedHeader, page, table, text } from './markdown.js';

/** `docs/reference/errors.md`: one row per stable error code, from `ErrorCodes` in `src/errors.ts`. */
export function renderErrors(codes: Readonly<Record<string, string>> = ErrorCodes): string {
  const rows = Object.entries(codes).map(([name, description]) => [code(name), text(description)]);
  return page([
    '---\ntitle: Error codes\n---',
    generatedHeader('`ErrorCodes` in src/errors.ts'),
    '# Error codes',
    'Every error unipool throws is a `UnipoolError` (exported from `unipool`) with a stable `code` — match on the code, not on the class or the message. ' +
      'Subclasses: `ConfigError` (carries `issues`, one per problem, each with a `path` and a `message`), `AcquireTimeoutError`, `PoolClosedError`, `QueueFullError` and `TransactionError`. ' +
      'The underlying error, when there is one (a driver error, the last failed connection attempt), is in `cause`. Passwords never appear in a message.',
    '```ts\nimport { UnipoolError } from \'unipool\';\n\ntry {\n  await db.query(\'SELECT 1\');\n} catch (error) {\n  if (error instanceof UnipoolError && error.code === \'UNIPOOL_ACQUIRE_TIMEOUT\') {\n    console.warn(error.message, error.cause); // the pool numbers, and the last connect error\n  }\n  throw error;\n}\n```',
    table(['Code', 'Meaning'], rows),
    'Errors from the database itself (a syntax error, a constraint violation) are **not** wrapped: they reach you as the driver threw them, so their own codes (`23505`, `ER_DUP_ENTRY`, `ORA-00001`, `SQLITE_CONSTRAINT_UNIQUE`) stay visible.',
  ]);
}
