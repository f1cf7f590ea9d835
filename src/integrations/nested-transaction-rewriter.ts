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
  /**
   * The savepoints every lease joined to the same held connection has open, innermost last; undefined
   * for a connection of the lease's own. Two library transactions run at once on one `atomic()`
   * (under `Promise.all`) would otherwise interleave their savepoints: releasing or rolling back to
   * the outer one silently ends the inner one too (MySQL and PostgreSQL both drop every later
   * savepoint), so the inner library's COMMIT would fail — or worse, its ROLLBACK would undo nothing.
   */
  readonly #connectionSavepoints: string[] | undefined;

  /** `nextName` gives savepoint names unique on the connection; `connectionSavepoints` is shared by the leases of one held connection. */
  constructor(nextName: () => string, connectionSavepoints?: string[]) {
    this.#nextName = nextName;
    this.#connectionSavepoints = connectionSavepoints;
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
      case 'begin': {
        const savepoint = this.begin(inTransaction, control.withOptions, sql.trim());
        return savepoint === undefined ? sql : `SAVEPOINT ${savepoint}`;
      }
      case 'set-transaction':
        if (inTransaction && joined && !this.#ownTransaction) throw optionsNested(sql.trim());
        return sql;
      case 'commit':
      case 'rollback': {
        const savepoint = this.end(control.kind, inTransaction, joined);
        if (savepoint === undefined) return sql;
        return control.kind === 'commit' ? `RELEASE SAVEPOINT ${savepoint}` : `ROLLBACK TO SAVEPOINT ${savepoint}`;
      }
    }
  }

  /**
   * A library begins a transaction: undefined when it is a real one (the connection is idle), else
   * the name of the savepoint to open instead. `what` names the request in messages.
   */
  begin(inTransaction: boolean, withOptions: boolean, what: string): string | undefined {
    if (!inTransaction) {
      this.#ownTransaction = true;
      return undefined;
    }
    if (withOptions) throw optionsNested(what);
    return this.#push();
  }

  /** A library commits or rolls back: the savepoint to release / roll back to, or undefined for a real COMMIT/ROLLBACK. */
  end(kind: 'commit' | 'rollback', inTransaction: boolean, joined: boolean): string | undefined {
    const name = this.#savepoints.at(-1);
    if (name !== undefined) {
      const shared = this.#connectionSavepoints;
      if (shared !== undefined && shared.at(-1) !== name) {
        throw new UnipoolError(
          'UNIPOOL_UNSUPPORTED',
          `unipool: two library transactions overlap on the connection one db.atomic()/session() block holds: this one's ${kind.toUpperCase()} would end its savepoint while another library transaction opened later is still open, and ending it would end that one too; nothing was run. Run the transactions one after the other inside the block, not under Promise.all.`,
        );
      }
      this.#savepoints.pop();
      shared?.pop();
      return name;
    }
    if (inTransaction && joined && !this.#ownTransaction) {
      throw new UnipoolError(
        'UNIPOOL_UNSUPPORTED',
        `unipool: a library sent ${kind.toUpperCase()} on a connection it shares with the enclosing db.atomic()/session() transaction, which it did not begin — the enclosing block commits or rolls back, not the library`,
      );
    }
    this.#ownTransaction = false;
    return undefined;
  }

  #push(): string {
    const name = this.#nextName();
    this.#savepoints.push(name);
    this.#connectionSavepoints?.push(name);
    return name;
  }

  /**
   * What to send when the lease ends with its savepoints still open (a library that released its
   * connection mid-transaction): each rolled back, innermost first. The enclosing transaction goes on.
   */
  undoStatements(): string[] {
    const shared = this.#connectionSavepoints;
    // Savepoints another lease's rollback already ended are gone from the connection: not undone twice.
    const open = shared === undefined ? this.#savepoints : this.#savepoints.filter((name) => shared.includes(name));
    const outer = open[0];
    // Rolling back to its outermost savepoint ends every savepoint opened after it, other leases' too.
    if (outer !== undefined && shared !== undefined) shared.length = shared.indexOf(outer);
    const statements = open.reverse().map((name) => `ROLLBACK TO SAVEPOINT ${name}`);
    this.#savepoints.length = 0;
    return statements;
  }

  /** The lease's own transaction ended (COMMIT/ROLLBACK seen, or the connection was rolled back). */
  forgetOwnTransaction(): void {
    this.#ownTransaction = false;
  }
}

function optionsNested(what: string): TransactionError {
  return new TransactionError(
    'UNIPOOL_TX_OPTIONS_NESTED',
    `unipool: a library set isolation or access mode (${what}) inside a transaction that is already open, where its transaction can only be a savepoint — set isolation/readOnly on the outermost db.atomic() instead`,
  );
}
