/** A callback registered with `db.onCommit()`. */
export type CommitCallback = () => unknown;

/**
 * One `atomic()` block: the outermost runs BEGIN/COMMIT, nested ones a savepoint. Child blocks of
 * one block are serialised: two nested `atomic()` calls under `Promise.all` on one transaction
 * must never interleave their savepoints.
 * @internal
 */
export class AtomicBlock {
  readonly parent: AtomicBlock | undefined;
  readonly savepoint: string | undefined;
  /** Callbacks to run after the outermost COMMIT; merged into the parent when a savepoint is released. */
  readonly onCommit: CommitCallback[] = [];
  #tail: Promise<unknown> = Promise.resolve();

  constructor(parent: AtomicBlock | undefined, savepoint: string | undefined) {
    this.parent = parent;
    this.savepoint = savepoint;
  }

  /** Runs `child` after every earlier child of this block has finished. */
  runChild<T>(child: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(child, child);
    this.#tail = run.then(noop, noop);
    return run;
  }
}

function noop(): void {}
