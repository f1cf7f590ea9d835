import type { AdapterResult, Row } from '../../src/adapter.js';
import { connectionState } from './mysql-connection-state.js';
import type { MysqlConnection, MysqlField } from './mysql-driver-types.js';
import { applyInt64, applyInt64ToFields, longlongColumns } from './mysql-int64.js';
import { describeColumns, reportedSchema, sessionStateOf, splitResults, toAdapterResult } from './mysql-results.js';
import { ServerStatus, type ServerStatusReader } from './server-status-reader.js';

/** A user statement's reply as the core sees it (and the default database it switched to, noted). */
export function adapterResultOf(conn: MysqlConnection, reader: ServerStatusReader, rows: unknown, fields: unknown): AdapterResult {
  // The common reply — one result set, no session change — without the general path's allocations.
  const state = connectionState(conn);
  if (Array.isArray(rows) && (reader.seenFlags & ServerStatus.SESSION_STATE_CHANGED) === 0 && isColumnList(fields)) {
    applyInt64ToFields(state.int64, rows as Row[], fields);
    return { rows, rowCount: rows.length, fields: describeColumns(fields) };
  }
  const entries = splitResults(rows, fields);
  const schema = reportedSchema(entries);
  if (schema !== undefined) state.schema = schema;
  const sessionState = sessionStateOf(entries, reader.seenFlags);
  const first = entries.find((entry) => entry.kind === 'rows');
  if (first?.kind === 'rows') {
    try {
      applyInt64(state.int64, first.rows, longlongColumns(first.fields));
    } catch (error) {
      // No result will report the session change: retire the connection rather than reuse it unreset.
      if (sessionState !== undefined) state.retiredBecause ??= `a statement that changed session state (${sessionState.statement}) failed`;
      throw error;
    }
  }
  const result = toAdapterResult(entries);
  if (sessionState !== undefined) result.sessionState = sessionState;
  return result;
}

/** The columns of one result set (several result sets come as a list of lists instead). */
function isColumnList(fields: unknown): fields is readonly MysqlField[] {
  if (!Array.isArray(fields) || fields.length === 0) return false;
  const first: unknown = fields[0];
  return typeof first === 'object' && first !== null && !Array.isArray(first);
}

