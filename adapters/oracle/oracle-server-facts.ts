import type { Row } from '../../src/adapter.js';
import type { ConnectionLimit, RunQuery, ServerFacts } from '../../src/server-probe.js';
import { firstRow, toNumber } from '../../src/server-probe.js';

/** Oracle: version and the smaller of `processes` and `sessions`, when the user may read them. */
export async function probeOracle(query: RunQuery): Promise<ServerFacts> {
  let version: unknown;
  try {
    version = (await firstRow(query, 'SELECT version_full AS "version" FROM product_component_version WHERE ROWNUM = 1'))['version'];
  } catch {
    // version_full exists from 18c on.
    version = (await firstRow(query, 'SELECT version AS "version" FROM product_component_version WHERE ROWNUM = 1'))['version'];
  }
  let limit: ConnectionLimit | undefined;
  let limitNote: string | undefined;
  try {
    const rows = await query(`SELECT name AS "name", value AS "value" FROM v$parameter WHERE name IN ('processes', 'sessions')`);
    const setting = (name: string): number => toNumber(rows.find((r) => r['name'] === name)?.['value']) ?? Number.POSITIVE_INFINITY;
    const [processes, sessions] = [setting('processes'), setting('sessions')];
    const used = await firstRow(query, `SELECT COUNT(*) AS "used" FROM v$session WHERE type = 'USER'`).catch((): Row => ({}));
    // With dedicated servers every session needs a process, so the smaller of the two binds.
    const value = Math.min(processes, sessions);
    if (Number.isFinite(value)) limit = { limit: value, inUse: toNumber(used['used']), source: `min(processes ${processes}, sessions ${sessions})` };
    else limitNote = 'unknown: v$parameter has neither processes nor sessions';
  } catch (error) {
    limitNote = `unknown: the user may not read v$parameter/v$session (${(error as Error)?.message?.split('\n')[0] ?? 'error'}); grant SELECT_CATALOG_ROLE to see it`;
  }
  return { version: `Oracle ${String(version ?? '?')}`, limit, limitNote, idleTimeoutMs: undefined, idleTimeoutSetting: undefined, notes: [] };
}
