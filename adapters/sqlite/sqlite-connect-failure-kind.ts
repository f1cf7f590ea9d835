import type { ConnectFailureKind } from '../../src/adapter.js';
import { codeOf } from '../../src/connect-errors.js';

/** Result codes with which opening can succeed on a later try: another process holds a lock. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_SNAPSHOT']);

/**
 * Opening a SQLite file involves no server: a missing directory, a file that is not a database,
 * no permission, a bad pragma all fail the same way on every try (`permanent`). Only a lock held by
 * another process (the WAL switch waits on it) can clear by itself.
 */
export function sqliteConnectFailureKind(error: unknown): ConnectFailureKind {
  const code = codeOf(error);
  return code !== undefined && TRANSIENT_CODES.has(code) ? 'transient' : 'permanent';
}
