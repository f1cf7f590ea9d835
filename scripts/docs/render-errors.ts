import { DEFAULT_DOCS_URL, errorAnchor } from '../../src/docs-url.js';
import { ErrorCodes } from '../../src/errors.js';
import { ERROR_FIXES, GENERIC_FIX } from './error-fixes.js';
import { generatedHeader, page, text } from './markdown.js';

/** What `UNIPOOL_CONNECT_FAILED` means in practice: which cause, which fix, and when it comes instead of a timeout. */
const CONNECT_FAILED_SECTION = `## When the server refuses: \`UNIPOOL_CONNECT_FAILED\` {#connect-failed}

A request never waits out \`acquireTimeoutMs\` for a connection that cannot come. When opening a connection fails:

| Cause (\`error.cause\`) | Who gets \`UNIPOOL_CONNECT_FAILED\` | Fix |
|---|---|---|
| Authentication failed (PostgreSQL \`28P01\`/\`28000\`, MySQL \`1045\`, Oracle \`ORA-01017\`) | every waiting caller, at once | the \`user\`/\`password\` (or \`pg_hba.conf\`, the user's grants) |
| Unknown database (PostgreSQL \`3D000\`, MySQL \`1049\`) | every waiting caller, at once | the \`database\` name |
| TLS verification failed (\`DEPTH_ZERO_SELF_SIGNED_CERT\`, \`ERR_TLS_CERT_ALTNAME_INVALID\`…) | every waiting caller, at once | \`ssl\` (a \`ca\`, the host name) or the server certificate |
| Missing driver package (\`UNIPOOL_DRIVER_MISSING\`) | every waiting caller, at once | \`npm install <driver>\` (the message names it) |
| Server unreachable (\`ECONNREFUSED\`, \`ENOTFOUND\`, \`UNIPOOL_CONNECT_TIMEOUT\`) and no connection open | every waiting caller, after that one attempt | start the server, or check host, port and network |

Each adapter decides which of its driver's errors cannot fix themselves (the list above); anything else counts as the server being away.
While the fault lasts, a new caller waits for the next attempt — at most the backoff delay (50 ms doubling to 5 s) plus one \`connectTimeoutMs\` — and gets the same answer, so the pool notices the moment the fault is fixed, without a restart.
When connections are open, a server that refuses *new* connections (too many connections, a restart in progress) is not a reason to fail a caller that a release could serve: it waits, and \`UNIPOOL_ACQUIRE_TIMEOUT\` then carries the last connect error as \`cause\`.
So \`UNIPOOL_ACQUIRE_TIMEOUT\` means the server is up and the pool is busy; \`UNIPOOL_CONNECT_FAILED\` means it is not reachable, or refuses these settings.`;

/** One section per code, with the anchor every error message links to. */
function codeSection(name: string, meaning: string, fix: string): string {
  return [`## \`${name}\` {#${errorAnchor(name)}}`, `**Cause.** ${text(meaning)}`, `**Fix.** ${fix}`].join('\n\n');
}

/**
 * `docs/reference/errors.md`: one section per stable error code (from `ErrorCodes` in
 * `src/errors.ts`), with its cause and fix, anchored at the code in lower case.
 */
export function renderErrors(codes: Readonly<Record<string, string>> = ErrorCodes, fixes: Readonly<Record<string, string>> = ERROR_FIXES): string {
  return page([
    '---\ntitle: Error codes\n---',
    generatedHeader('`ErrorCodes` in src/errors.ts and scripts/docs/error-fixes.ts'),
    '# Error codes',
    'Every error unipool throws is a `UnipoolError` (exported from `unipool`) with a stable `code` — match on the code, not on the class or the message. ' +
      'Subclasses: `ConfigError` (carries `issues`, one per problem, each with a `path` and a `message`), `AcquireTimeoutError`, `PoolClosedError`, `QueueFullError` and `TransactionError`. ' +
      'The underlying error, when there is one (a driver error, the last failed connection attempt), is in `cause`. Passwords never appear in a message.',
    '```ts\nimport { UnipoolError } from \'unipool\';\n\ntry {\n  await db.query(\'SELECT 1\');\n} catch (error) {\n  if (error instanceof UnipoolError && error.code === \'UNIPOOL_ACQUIRE_TIMEOUT\') {\n    console.warn(error.message, error.cause); // the pool numbers, and the last connect error\n  }\n  throw error;\n}\n```',
    '::: tip The link at the end of every message\n' +
      'The last line of every unipool error message links to its code on this page, e.g.\n' +
      `\`See ${DEFAULT_DOCS_URL}/reference/errors#unipool_acquire_timeout\`. ` +
      'There is no public docs site yet, so the default address is where `npm run docs:dev` serves these docs from a clone of the repository. ' +
      'If your team hosts a built copy (`npm run docs:build` writes it to `docs/.vitepress/dist`), set the environment variable `UNIPOOL_DOCS_URL` to its address and the links point there.\n:::',
    'Errors from the database itself (a syntax error, a constraint violation) are **not** wrapped: they reach you as the driver threw them, so their own codes (`23505`, `ER_DUP_ENTRY`, `ORA-00001`, `SQLITE_CONSTRAINT_UNIQUE`) stay visible.',
    ...Object.entries(codes).map(([name, meaning]) => codeSection(name, meaning, fixes[name] ?? GENERIC_FIX)),
    CONNECT_FAILED_SECTION,
  ]);
}
