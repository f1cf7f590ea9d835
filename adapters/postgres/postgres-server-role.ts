import type { AdapterResult, SessionAttributes } from '../../src/adapter.js';
import type { PgClient } from './postgres-driver-types.js';

/** A ParameterStatus message as pg's wire connection emits it (pg-protocol `parameterStatus`). */
interface PgParameterStatus {
  readonly parameterName: string;
  readonly parameterValue: string;
}

/** pg's wire connection re-emits every backend message by name: the part used here. */
interface ParameterStatusSource {
  on(event: 'parameterStatus', listener: (message: PgParameterStatus) => void): unknown;
}

/**
 * The two settings PostgreSQL ≥ 14 reports on its own (ParameterStatus, at startup and whenever they
 * change — a promotion, a reload): what libpq reads for target_session_attrs without a round trip.
 * Older servers never send them; the fields then stay undefined.
 */
interface ReportedRole {
  inHotStandby: string | undefined;
  defaultTransactionReadOnly: string | undefined;
}

const ROLES = new WeakMap<PgClient, ReportedRole>();

/**
 * Starts recording the server's reported `in_hot_standby` and `default_transaction_read_only` for
 * `client`. Called before connect(), so the startup reports are seen too. pg keeps no record of
 * these (it handles only client_encoding), hence the listener on its wire connection.
 */
export function watchServerRole(client: PgClient): void {
  const role: ReportedRole = { inHotStandby: undefined, defaultTransactionReadOnly: undefined };
  ROLES.set(client, role);
  const wire = client.connection as unknown as Partial<ParameterStatusSource>;
  wire.on?.('parameterStatus', (message: PgParameterStatus) => {
    if (message.parameterName === 'in_hot_standby') role.inHotStandby = message.parameterValue;
    else if (message.parameterName === 'default_transaction_read_only') role.defaultTransactionReadOnly = message.parameterValue;
  });
}

const ROLE_SQL = "SELECT pg_is_in_recovery() AS standby, current_setting('transaction_read_only') = 'on' AS read_only";

/**
 * Whether `client`'s server is a standby and whether its sessions are read-only, as libpq decides
 * for target_session_attrs: from the reported settings when the server sends them (PostgreSQL ≥ 14,
 * no round trip), otherwise with one query.
 */
export async function postgresSessionAttributes(client: PgClient, query: (sql: string) => Promise<AdapterResult>): Promise<SessionAttributes> {
  const role = ROLES.get(client);
  if (role?.inHotStandby !== undefined && role.defaultTransactionReadOnly !== undefined) {
    const standby = role.inHotStandby === 'on';
    return { standby, readOnly: standby || role.defaultTransactionReadOnly === 'on' };
  }
  const row = (await query(ROLE_SQL)).rows[0];
  return { standby: row?.['standby'] === true, readOnly: row?.['read_only'] === true };
}

/**
 * True when `error` (SQLSTATE 25006 read_only_sql_transaction) means the server itself is read-only,
 * not a transaction the user declared READ ONLY. On PostgreSQL ≥ 14 the reported settings say so
 * exactly (a standby, or default_transaction_read_only on — which is how a fenced primary is made
 * read-only; a user's BEGIN READ ONLY changes neither). On older servers only a statement outside a
 * transaction counts (`idle()`): there no user-declared transaction can be the reason.
 */
export function postgresServerReadOnly(client: PgClient, error: unknown, idle: () => boolean): boolean {
  if ((error as { code?: unknown } | null)?.code !== '25006') return false;
  const role = ROLES.get(client);
  if (role?.inHotStandby !== undefined) return role.inHotStandby === 'on' || role.defaultTransactionReadOnly === 'on';
  return idle();
}
