import type { RunQuery, ServerFacts } from '../../src/server-probe.js';
import { firstRow, toNumber } from '../../src/server-probe.js';

/** MySQL/MariaDB: version, `max_connections` or the account's `max_user_connections`, `wait_timeout`. */
export async function probeMysql(query: RunQuery): Promise<ServerFacts> {
  // The session value of max_user_connections is the account's own limit when it has one.
  const row = await firstRow(query, 'SELECT VERSION() AS version, @@max_connections AS max_connections, @@max_user_connections AS max_user_connections, @@wait_timeout AS wait_timeout');
  const status = await query("SHOW GLOBAL STATUS LIKE 'Threads_connected'");
  const max = toNumber(row['max_connections']) ?? 0;
  const perUser = toNumber(row['max_user_connections']) ?? 0;
  const [limit, source] = perUser > 0 && perUser < max ? [perUser, `max_user_connections ${perUser}`] : [max, `max_connections ${max}`];
  const version = String(row['version'] ?? '?');
  const waitTimeout = toNumber(row['wait_timeout']);
  return {
    version: /mariadb/i.test(version) ? `MariaDB ${version.replace(/-MariaDB.*$/i, '')}` : `MySQL ${version}`,
    limit: { limit, inUse: toNumber(status[0]?.['Value'] ?? status[0]?.['value']), source },
    limitNote: undefined,
    idleTimeoutMs: waitTimeout !== undefined && waitTimeout > 0 ? waitTimeout * 1000 : undefined,
    idleTimeoutSetting: 'wait_timeout',
    notes: [],
  };
}
