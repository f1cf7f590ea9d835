import type { RunQuery, ServerFacts } from '../../src/server-probe.js';
import { firstRow, toNumber } from '../../src/server-probe.js';

const POSTGRES_FACTS = `SELECT current_setting('server_version') AS version,
  current_setting('max_connections')::int AS max_connections,
  current_setting('superuser_reserved_connections')::int AS superuser_reserved,
  COALESCE(NULLIF(current_setting('reserved_connections', true), ''), '0')::int AS reserved,
  (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS in_use,
  (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
  (SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user) AS role_limit,
  (SELECT datconnlimit FROM pg_database WHERE datname = current_database()) AS database_limit,
  (SELECT setting FROM pg_settings WHERE name = 'idle_session_timeout') AS idle_session_timeout_ms`;

/** PostgreSQL: version, the connection limit that binds this user, `idle_session_timeout`. */
export async function probePostgres(query: RunQuery): Promise<ServerFacts> {
  const row = await firstRow(query, POSTGRES_FACTS);
  const max = toNumber(row['max_connections']) ?? 0;
  const superuserReserved = toNumber(row['superuser_reserved']) ?? 0;
  const reserved = toNumber(row['reserved']) ?? 0;
  // Superusers may also use the reserved slots and are exempt from role and database CONNECTION
  // LIMITs (InitPostgres); everyone else is bound by the lowest of them.
  let limit = max;
  let source = `max_connections ${max}`;
  if (row['superuser'] !== true) {
    limit = max - superuserReserved - reserved;
    source += ` − superuser_reserved_connections ${superuserReserved}${reserved > 0 ? ` − reserved_connections ${reserved}` : ''}`;
    const roleLimit = toNumber(row['role_limit']) ?? -1;
    if (roleLimit >= 0 && roleLimit < limit) [limit, source] = [roleLimit, `the role's CONNECTION LIMIT ${roleLimit}`];
    const databaseLimit = toNumber(row['database_limit']) ?? -1;
    if (databaseLimit >= 0 && databaseLimit < limit) [limit, source] = [databaseLimit, `the database's CONNECTION LIMIT ${databaseLimit}`];
  }
  const idle = toNumber(row['idle_session_timeout_ms']);
  return {
    version: `PostgreSQL ${String(row['version'] ?? '?')}`,
    limit: { limit, inUse: toNumber(row['in_use']), source },
    limitNote: undefined,
    idleTimeoutMs: idle !== undefined && idle > 0 ? idle : undefined,
    idleTimeoutSetting: 'idle_session_timeout',
    notes: [],
  };
}
