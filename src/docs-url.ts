/**
 * Where error messages point for a code's cause and fix. No public docs site exists yet, so the
 * default is the address `npm run docs:dev` serves a clone's docs at; a team that hosts a built copy
 * (`npm run docs:build`) sets `UNIPOOL_DOCS_URL` to it. When a public site exists, this constant
 * becomes its address — the one line to change.
 */
export const DEFAULT_DOCS_URL = 'http://localhost:5173';

/** The docs' base URL without a trailing slash: `UNIPOOL_DOCS_URL` when set, else {@link DEFAULT_DOCS_URL}. */
export function docsBaseUrl(): string {
  // Read at each error, not once at import: errors are rare and tests (or a REPL) may change it.
  const fromEnv = process.env['UNIPOOL_DOCS_URL']?.trim();
  return (fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_DOCS_URL).replace(/\/+$/, '');
}

/** The anchor of an error code on the error reference: the code in lower case (`unipool_connect_failed`). */
export function errorAnchor(code: string): string {
  return code.toLowerCase();
}

/** `…/reference/errors#unipool_connect_failed`: the cause and fix of one error code. */
export function errorDocsUrl(code: string): string {
  return `${docsBaseUrl()}/reference/errors#${errorAnchor(code)}`;
}
