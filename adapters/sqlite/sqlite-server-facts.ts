import type { RunQuery, ServerFacts } from '../../src/server-probe.js';
import { firstRow } from '../../src/server-probe.js';

/** SQLite: version and journal mode; no server, so no connection limit. */
export async function probeSqlite(query: RunQuery): Promise<ServerFacts> {
  const row = await firstRow(query, 'SELECT sqlite_version() AS version');
  const mode = await firstRow(query, 'PRAGMA journal_mode');
  return {
    version: `SQLite ${String(row['version'] ?? '?')}`,
    limit: undefined,
    limitNote: 'n/a (SQLite runs in-process; there is no server connection limit)',
    idleTimeoutMs: undefined,
    idleTimeoutSetting: undefined,
    notes: [`journal_mode ${String(mode['journal_mode'] ?? '?')}`],
  };
}
