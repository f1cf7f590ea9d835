import { TransactionError, UnipoolError } from '../errors.js';
import { classifyTransactionControl } from './transaction-control.js';

/**
 * Turns a library's own transaction statements on a connection that is already in a transaction
 * into savepoints: BEGIN → SAVEPOINT, COMMIT → RELEASE SAVEPOINT, ROLLBACK → ROLLBACK TO SAVEPOINT.
 * A library that runs its transaction inside `db.atomic()` then never starts a second transaction
 * (MySQL would commit the first implicitly) nor commits the enclosing one early. One per lent
 * connection; engine-neutral (the three savepoint statements are the same on every engine that
 * has savepoints).
 */
export class NestedTransactionRewriter {
  /** Savepoints this lease opened for BEGINs, innermost last. */
  readonly #savepoints: string[] = [];
  readonly #nextName: () => string;
  /** True while a real BEGIN sent through this lease has not been committed or rolled back. */
  #ownTransaction = false;

  /** `nextName` gives savepoint names unique on the connection. */
  constructor(nextName: () => string) {
    this.#nextName = nextName;
  }

  /** A transaction this lease began itself (not a savepoint) is open. */
  get ownTransaction(): boolean {
    return this.#ownTransaction;
  }

  /** The savepoints this lease has open. */
  get openSavepoints(): number {
    return this.#savepoints.length;
  }

  /**
   * The statement to send instead of `sql`. `inTransaction` is the driver's word on the connection
   * now; `joined` says the lease shares a connection someone else holds (`atomic()`, `session()`),
   * so a transaction it did not begin belongs to that holder. Throws a coded error for what cannot
   * be rewritten safely.
   */
  rewrite(sql: string, inTransaction: boolean, joined: boolean): string {
    const control = classifyTransactionControl(sql);
    switch (control.kind) {
      case 'other':
        return sql;
      case 'begin':
        if (!inTransaction) {
          this.#ownTransaction = true;
          return sql;
        }
        if (control.withOptions) {
          throw new TransactionError(
            'UNIPOOL_TX_OPTIONS_NESTED',
            `unipool: a library started a transaction with isolation or access-mode options (${sql.trim()}) on a connection already in a transaction, where it can only be a savepoint — set those options on the outermost db.atomic() instead`,
          );
        }
        return this.#push();
      case 'set-transaction':
        if (inTransaction && joined && !this.#ownTransaction) {
          throw new TransactionError(
            'UNIPOOL_TX_OPTIONS_NESTED',
            `unipool: a library set transaction characteristics (${sql.trim()}) inside the transaction of the enclosing db.atomic(), which cannot change them — set isolation/readOnly on the outermost db.atomic() instead`,
          );
        }
        return sql;
      case 'commit':
      case 'rollback': {
        const name = this.#savepoints.pop();
        if (name !== undefined) return control.kind === 'commit' ? `RELEASE SAVEPOINT ${name}` : `ROLLBACK TO SAVEPOINT ${name}`;
        if (inTransaction && joined && !this.#ownTransaction) {
          throw new UnipoolError(
            'UNIPOOL_UNSUPPORTED',
            `unipool: a library sent ${control.kind.toUpperCase()} on a connection it shares with the enclosing db.atomic()/session() transaction, which it did not begin — the enclosing block commits or rolls back, not the library`,
          );
        }
        this.#ownTransaction = false;
        return sql;
      }
    }
  }

  #push(): string {
    const name = this.#nextName();
    this.#savepoints.push(name);
    return `SAVEPOINT ${name}`;
  }

  /**
   * What to send when the lease ends with its savepoints still open (a library that released its
   * connection mid-transaction): each rolled back, innermost first. The enclosing transaction goes on.
   */
  undoStatements(): string[] {
    const statements = this.#savepoints.reverse().map((name) => `ROLLBACK TO SAVEPOINT ${name}`);
    this.#savepoints.length = 0;
    return statements;
  }

  /** The lease's own transaction ended (COMMIT/ROLLBACK seen, or the connection was rolled back). */
  forgetOwnTransaction(): void {
    this.#ownTransaction = false;
  }
}
