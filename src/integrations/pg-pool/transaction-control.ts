/**
 * Transaction-control statements as libraries send them through a pg client, recognised from the
 * SQL text. Only the text of a client that joined a held connection is read (inside `atomic()` or
 * `session()`), where a library's own BEGIN/COMMIT/ROLLBACK must become savepoint operations; the
 * transaction state itself still comes from the server's ReadyForQuery status.
 */
export type TransactionControl = 'begin' | 'commit' | 'rollback';

// One statement each, any case, optional trailing `;`. BEGIN keeps whatever follows it (isolation
// level, READ ONLY, DEFERRABLE: Drizzle, Kysely and knex send those) as long as no second statement
// does; `COMMIT/ROLLBACK AND CHAIN` and multi-statement strings are deliberately not recognised.
const BEGIN = /^\s*(?:begin|start\s+transaction)\b[^;]*;?\s*$/i;
const COMMIT = /^\s*(?:commit|end)(?:\s+(?:work|transaction))?(?:\s+and\s+no\s+chain)?\s*;?\s*$/i;
const ROLLBACK = /^\s*(?:rollback|abort)(?:\s+(?:work|transaction))?(?:\s+and\s+no\s+chain)?\s*;?\s*$/i;

// A statement that would end the surrounding transaction, anywhere in a (multi-statement) text:
// COMMIT, END, ROLLBACK or ABORT at the start of a statement, but not ROLLBACK TO (a savepoint).
// Conservative on purpose: a false alarm is a clear error, a miss would commit atomic() early.
const ENDS_TRANSACTION = /(?:^|;)\s*(?:commit|end|abort|rollback(?!\s+(?:work\s+|transaction\s+)?to\b)|prepare\s+transaction)\b/i;

/** The transaction-control statement `text` is, if it is exactly one of the recognised forms. */
export function transactionControlOf(text: string): TransactionControl | undefined {
  // First-character screen: nearly every statement is rejected without running a regex.
  const first = text.trimStart().charCodeAt(0) | 0x20;
  if (first !== 0x62 /* b */ && first !== 0x73 /* s */ && first !== 0x63 /* c */ && first !== 0x65 /* e */ && first !== 0x72 /* r */ && first !== 0x61 /* a */) return undefined;
  if (BEGIN.test(text)) return 'begin';
  if (COMMIT.test(text)) return 'commit';
  if (ROLLBACK.test(text)) return 'rollback';
  return undefined;
}

/** True when `text` contains a statement that would end (or prepare) the surrounding transaction. */
export function endsTransaction(text: string): boolean {
  return ENDS_TRANSACTION.test(text);
}
