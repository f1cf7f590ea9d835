import type { SessionStateChange } from '../../src/adapter.js';
import type { PgSubmittableHooks } from './postgres-driver-types.js';

/**
 * Session-state detection from the server's command tags (never from SQL text). pg's
 * `result.command` keeps only the tag's first word, which cannot tell `PREPARE` from
 * `PREPARE TRANSACTION` or `SET` from `SET CONSTRAINTS`, so we record the full tag of every
 * statement as it completes.
 */

/** One completed statement: its full command tag and whether it described result rows. */
export interface StatementTag {
  /** e.g. `SET`, `CREATE TABLE`, `SELECT 3`, `INSERT 0 2`. */
  readonly tag: string;
  /** A RowDescription preceded the tag (a real SELECT); `SELECT n` without one is SELECT INTO / CREATE TABLE AS. */
  readonly described: boolean;
}

/** Tags whose statement only makes sense on a connection you keep: outside `session()` they are an error. */
const ERROR_OUTSIDE_SESSION: ReadonlySet<string> = new Set(['SET', 'RESET', 'LISTEN', 'PREPARE', 'DECLARE CURSOR', 'LOAD']);

/** Tags after which pg's client-side cache of named statements no longer matches the server. */
const DROPS_ALL_PREPARED: ReadonlySet<string> = new Set(['DISCARD ALL', 'DEALLOCATE ALL']);

const error = (statement: string): SessionStateChange => Object.freeze({ statement, outsideSession: 'error' });
const reset = (statement: string): SessionStateChange => Object.freeze({ statement, outsideSession: 'reset' });

/**
 * The session-state change one statement made, if any.
 * - `SET`/`RESET` (also `SET LOCAL`, `SET ROLE`, `SET SESSION AUTHORIZATION`; not `SET CONSTRAINTS`,
 *   which is transaction-scoped), `LISTEN`, `PREPARE` (not `PREPARE TRANSACTION`), `DECLARE CURSOR`
 *   and `LOAD` → error outside a session.
 * - Every `CREATE …` (the object may be temporary, or live in `pg_temp`), `SELECT INTO` and
 *   `CREATE TABLE AS` (tag `SELECT n` with no row description) → silent reset.
 * - `DEALLOCATE name` → silent reset: we cannot tell which of pg's named statements it dropped.
 */
export function sessionStateOf({ tag, described }: StatementTag): SessionStateChange | undefined {
  if (ERROR_OUTSIDE_SESSION.has(tag)) return error(tag);
  if (tag.startsWith('CREATE ')) return reset(tag);
  if (!described && /^SELECT \d+$/.test(tag)) return reset('SELECT INTO / CREATE TABLE AS');
  if (tag === 'DEALLOCATE') return reset(tag);
  return undefined;
}

/** The change to report for a whole query: the first `error` wins over any `reset`. */
export function sessionStateOfAll(tags: readonly StatementTag[]): SessionStateChange | undefined {
  let found: SessionStateChange | undefined;
  for (const tag of tags) {
    const change = sessionStateOf(tag);
    if (change?.outsideSession === 'error') return change;
    found ??= change;
  }
  return found;
}

/** True when a statement dropped every prepared statement (`DISCARD ALL`, `DEALLOCATE ALL`). */
export function dropsAllPreparedStatements(tags: readonly StatementTag[]): boolean {
  return tags.some(({ tag }) => DROPS_ALL_PREPARED.has(tag));
}

/**
 * Wraps a submittable's protocol hooks so every statement's full tag is recorded, in order. The
 * returned array fills while the query runs. Patching the instance (not subclassing) works the same
 * for `pg.Query` and `pg-cursor`.
 */
export function recordStatementTags(submittable: PgSubmittableHooks): StatementTag[] {
  const tags: StatementTag[] = [];
  let described = false;
  const onRowDescription = submittable.handleRowDescription;
  const onCommandComplete = submittable.handleCommandComplete;
  submittable.handleRowDescription = (message) => {
    described = true;
    onRowDescription.call(submittable, message);
  };
  submittable.handleCommandComplete = (message, connection) => {
    tags.push({ tag: message.text ?? message.command ?? '', described });
    described = false;
    onCommandComplete.call(submittable, message, connection);
  };
  return tags;
}
