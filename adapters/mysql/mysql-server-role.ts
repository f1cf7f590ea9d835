import type { AdapterResult, SessionAttributes } from '../../src/adapter.js';

/**
 * `@@global.read_only` (on with `super_read_only` too, which implies it) and `@@innodb_read_only`:
 * either makes every session read-only. MySQL and MariaDB have no "in recovery" state a client can
 * see, so a read-only server is what `standby` means here and a writable one is a primary.
 */
const ROLE_SQL = 'SELECT @@global.read_only AS read_only, @@innodb_read_only AS innodb_read_only';

/** Whether the server behind a fresh connection is read-only (one query), for `targetSessionAttrs`. */
export async function mysqlSessionAttributes(query: (sql: string) => Promise<AdapterResult>): Promise<SessionAttributes> {
  const row = (await query(ROLE_SQL)).rows[0];
  const on = (value: unknown): boolean => value === 1 || value === '1' || value === 1n || value === true;
  const readOnly = on(row?.['read_only']) || on(row?.['innodb_read_only']);
  return { readOnly, standby: readOnly };
}

/** ER_OPTION_PREVENTS_STATEMENT: many server options give it; only --read-only / --super-read-only count. */
const OPTION_PREVENTS_STATEMENT = 1290;
/** ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION: a read-only transaction, the user's or the server's default. */
const READ_ONLY_TRANSACTION = 1792;
/** ER_READ_ONLY_MODE: InnoDB started with innodb_read_only. */
const READ_ONLY_MODE = 1836;

/**
 * True when `error` says the server itself is read-only: 1290 naming the read-only option, 1836,
 * or 1792 for a statement outside a transaction (`idle()`), which only a server-wide read-only
 * default can cause — inside a transaction 1792 is what START TRANSACTION READ ONLY (or
 * `atomic({ readOnly: true })`) gives, and is the caller's own doing.
 */
export function mysqlServerReadOnly(error: unknown, idle: () => boolean): boolean {
  const errno = (error as { errno?: unknown } | null)?.errno;
  if (errno === READ_ONLY_MODE) return true;
  if (errno === OPTION_PREVENTS_STATEMENT) return /read[-_]only/i.test((error as Error).message ?? '');
  return errno === READ_ONLY_TRANSACTION && idle();
}
