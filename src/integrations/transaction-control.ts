/**
 * What a statement a library sends means for transactions, read from its text. Used only on
 * connections lent to libraries (`db.mysqlPool()`, `UnipoolDialect`): the driver reports the
 * transaction state after a statement, but to turn a library's BEGIN into a SAVEPOINT *before* it
 * runs, its text is all there is. Engine-neutral: PostgreSQL and MySQL/MariaDB spellings alike.
 *
 * - `begin`: BEGIN [WORK|TRANSACTION], START TRANSACTION — `withOptions` when it sets isolation or
 *   access mode (a savepoint cannot carry them);
 * - `commit`: COMMIT [WORK|TRANSACTION], END;
 * - `rollback`: ROLLBACK [WORK|TRANSACTION], ABORT (not ROLLBACK TO, which is `other`);
 * - `set-transaction`: SET TRANSACTION … (characteristics of the next/current transaction);
 * - `other`: everything else.
 */
export type TransactionControl =
  | { readonly kind: 'begin'; readonly withOptions: boolean }
  | { readonly kind: 'commit' | 'rollback' | 'set-transaction' | 'other' };

const OTHER: TransactionControl = Object.freeze({ kind: 'other' });
const COMMIT: TransactionControl = Object.freeze({ kind: 'commit' });
const ROLLBACK: TransactionControl = Object.freeze({ kind: 'rollback' });
const SET_TRANSACTION: TransactionControl = Object.freeze({ kind: 'set-transaction' });
const BEGIN: TransactionControl = Object.freeze({ kind: 'begin', withOptions: false });
const BEGIN_WITH_OPTIONS: TransactionControl = Object.freeze({ kind: 'begin', withOptions: true });

/** Leading whitespace and comments (`-- …`, `# …` on MySQL, `/* … *\/`) before the first keyword. */
const LEADING = /^(?:\s+|--[^\n]*(?:\n|$)|#[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;

/** The first letter of every keyword above, to leave ordinary statements after one character test. */
const FIRST = new Set(['b', 'B', 's', 'S', 'c', 'C', 'r', 'R', 'e', 'E', 'a', 'A']);

/** Classifies one statement's text (see `TransactionControl`). Cheap for ordinary statements. */
export function classifyTransactionControl(sql: string): TransactionControl {
  let text = sql;
  const first = text.charCodeAt(0);
  // Whitespace, '-', '#', '/': strip comments first; otherwise the first letter decides quickly.
  if (first <= 0x20 || first === 0x2d || first === 0x23 || first === 0x2f) text = text.replace(LEADING, '');
  if (!FIRST.has(text.charAt(0)) || text.length > 200) return OTHER;
  const words = text
    .replace(/;\s*$/, '')
    .trim()
    .split(/\s+/)
    .map((word) => word.toLowerCase());
  const [head, second] = words;
  switch (head) {
    case 'begin': {
      // MariaDB's `BEGIN NOT ATOMIC … END` is a compound statement, not a transaction.
      if (second === 'not') return OTHER;
      const rest = second === 'work' || second === 'transaction' ? words.slice(2) : words.slice(1);
      return rest.length === 0 ? BEGIN : BEGIN_WITH_OPTIONS;
    }
    case 'start':
      if (second !== 'transaction') return OTHER;
      return startOptions(words.slice(2)) ? BEGIN_WITH_OPTIONS : BEGIN;
    case 'commit':
    case 'end':
      return isBare(words) ? COMMIT : OTHER;
    case 'rollback':
    case 'abort':
      return isBare(words) ? ROLLBACK : OTHER;
    case 'set':
      return second === 'transaction' ? SET_TRANSACTION : OTHER;
    default:
      return OTHER;
  }
}

/** Only whether `sql` begins, commits or rolls back a transaction (for callers that ignore BEGIN's options). */
export function beginCommitOrRollback(sql: string): 'begin' | 'commit' | 'rollback' | undefined {
  const { kind } = classifyTransactionControl(sql);
  return kind === 'begin' || kind === 'commit' || kind === 'rollback' ? kind : undefined;
}

/**
 * `COMMIT`, `COMMIT WORK`, `COMMIT TRANSACTION`, each optionally `AND NO CHAIN` (the default, on
 * PostgreSQL and MySQL alike) — not `ROLLBACK TO …`, `COMMIT AND CHAIN`, `COMMIT PREPARED …`.
 */
function isBare(words: readonly string[]): boolean {
  const end = words.length >= 4 && words[words.length - 3] === 'and' && words[words.length - 2] === 'no' && words[words.length - 1] === 'chain' ? words.length - 3 : words.length;
  return end === 1 || (end === 2 && (words[1] === 'work' || words[1] === 'transaction'));
}

// A statement that would end the surrounding transaction, anywhere in a (multi-statement) text:
// COMMIT, END, ROLLBACK or ABORT at the start of a statement, but not ROLLBACK TO (a savepoint).
// Conservative on purpose: a false alarm is a clear error, a miss would commit atomic() early.
const ENDS_TRANSACTION = /(?:^|;)\s*(?:commit|end|abort|rollback(?!\s+(?:work\s+|transaction\s+)?to\b)|prepare\s+transaction)\b/i;

/** True when `text` contains a statement that would end (or prepare) the surrounding transaction. */
export function endsTransaction(text: string): boolean {
  return ENDS_TRANSACTION.test(text);
}

/** START TRANSACTION's characteristics other than WITH CONSISTENT SNAPSHOT (which a savepoint may drop). */
function startOptions(words: readonly string[]): boolean {
  const rest = words.join(' ').replace(/,/g, ' ').replace(/\bwith consistent snapshot\b/g, '').trim();
  return rest !== '';
}
