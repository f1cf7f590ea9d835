import type { AdapterResult, FieldInfo, Row, SessionStateChange } from '../../src/adapter.js';
import type { MysqlField, MysqlOkPacket } from './mysql-driver-types.js';
import { ServerStatus } from './server-status-reader.js';

/** One result of a reply: rows with their columns, or the OK packet of a statement without rows. */
export type MysqlResultEntry =
  | { readonly kind: 'rows'; readonly rows: Row[]; readonly fields: readonly MysqlField[] }
  | { readonly kind: 'ok'; readonly ok: MysqlOkPacket };

function isRows(value: unknown): value is Row[] {
  return Array.isArray(value);
}

/**
 * mysql2's callback gets `(rows, fields)` for one result and `(results[], fields[])` when the
 * server sent several (a `CALL`): in the latter, each `fields` entry is an array or undefined.
 */
export function splitResults(rows: unknown, fields: unknown): MysqlResultEntry[] {
  const several = Array.isArray(fields) && fields.length > 0 && fields.every((entry) => entry === undefined || Array.isArray(entry));
  if (!several) {
    return [isRows(rows) ? { kind: 'rows', rows, fields: (fields ?? []) as MysqlField[] } : { kind: 'ok', ok: rows as MysqlOkPacket }];
  }
  const results = rows as unknown[];
  return results.map((result, index) =>
    isRows(result) ? { kind: 'rows', rows: result, fields: ((fields as unknown[])[index] ?? []) as MysqlField[] } : { kind: 'ok', ok: result as MysqlOkPacket },
  );
}

/**
 * The public result: the first result set's rows (a `CALL` answers with its result sets, then an OK
 * packet), or — for a statement without rows — `rowCount` = affected rows.
 */
export function toAdapterResult(entries: readonly MysqlResultEntry[]): AdapterResult {
  const firstRows = entries.find((entry) => entry.kind === 'rows');
  if (firstRows !== undefined && firstRows.kind === 'rows') {
    return {
      rows: firstRows.rows,
      rowCount: firstRows.rows.length,
      fields: describeColumns(firstRows.fields),
    };
  }
  const affected = entries.reduce((sum, entry) => sum + (entry.kind === 'ok' ? Number(entry.ok.affectedRows) || 0 : 0), 0);
  const lastOk = entries.findLast((entry) => entry.kind === 'ok');
  const insertId = lastOk?.kind === 'ok' ? lastOk.ok.insertId : undefined;
  // Only a generated id is meaningful: the server sends 0 for statements that generated none.
  return { rows: [], rowCount: affected, fields: [], ...(insertId !== undefined && insertId !== 0 ? { insertId } : {}) };
}

/** What the server's session tracker says changed, for messages: `USE shop`, `SET time_zone`… */
function describeChange(entries: readonly MysqlResultEntry[]): string {
  for (const entry of entries) {
    if (entry.kind !== 'ok' || entry.ok.stateChanges === undefined) continue;
    const { schema, systemVariables } = entry.ok.stateChanges;
    if (typeof schema === 'string' && schema !== '') return `USE ${schema}`;
    // Sorted: the server's tracker lists variables in no fixed order, and messages should not vary.
    const names = Object.keys(systemVariables ?? {}).sort();
    if (names.length > 0) return `SET ${names.join(', ')}`;
  }
  // User variables, temporary tables and prepared statements are reported only as "changed", so
  // name the candidates rather than repeat "session state" inside "changed session state (…)".
  return 'a variable, temporary table or prepared statement; the server does not say which';
}

/**
 * The session-state change a reply reported through SERVER_SESSION_STATE_CHANGED, if any.
 *
 * Outside a held connection a statement that only changed the session (`SET`, `USE`, `PREPARE`,
 * `CREATE TEMPORARY TABLE` — an OK packet with no affected rows) had no point: `error`. One that
 * also returned rows or changed data (`SET STATEMENT … FOR SELECT`, `CREATE TEMPORARY TABLE … AS
 * SELECT`, a `CALL`) did its work, and throwing would invite a retry of committed writes: `reset`.
 */
export function sessionStateOf(entries: readonly MysqlResultEntry[], flags: number): SessionStateChange | undefined {
  if ((flags & ServerStatus.SESSION_STATE_CHANGED) === 0) return undefined;
  const didWork = entries.some((entry) => entry.kind === 'rows' || (Number(entry.ok.affectedRows) || 0) > 0);
  return { statement: describeChange(entries), outsideSession: didWork ? 'reset' : 'error' };
}

/** The default database the server reported switching to (`USE`), if the reply says so. */
export function reportedSchema(entries: readonly MysqlResultEntry[]): string | undefined {
  for (const entry of entries) {
    const schema = entry.kind === 'ok' ? entry.ok.stateChanges?.schema : undefined;
    if (typeof schema === 'string' && schema !== '') return schema;
  }
  return undefined;
}

/** The core's `{ name, type }` for each column of a result set. */
export function describeColumns(fields: readonly MysqlField[]): FieldInfo[] {
  const described = new Array<FieldInfo>(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as MysqlField;
    described[i] = { name: field.name, type: field.columnType };
  }
  return described;
}
