import { connectionState, isOpen } from './mysql-connection-state.js';
import type { MysqlConnection } from './mysql-driver-types.js';
import { isServerError } from './mysql-errors.js';
import { runPing } from './run-mysql-command.js';
import { isAutocommitIdle } from './server-status-reader.js';

/**
 * An ERR packet carries no status flags, and a failed statement can still have ended the
 * transaction (a deadlock rolls it back; DDL commits implicitly before it fails). COM_PING's OK
 * packet brings the current flags without touching the diagnostics area (SHOW WARNINGS still works).
 */
export function refreshAfterError(conn: MysqlConnection, error: unknown): Promise<void> | undefined {
  if (!isServerError(error) || !isOpen(conn)) return undefined;
  // Idle with autocommit on, a failed statement cannot leave a transaction open (its own implicit
  // transaction is rolled back), so the last flags are still right: skip the round trip.
  if (isAutocommitIdle(connectionState(conn).serverStatus)) return undefined;
  return runPing(conn).catch(() => undefined);
}

