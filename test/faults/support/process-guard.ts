/**
 * Collects uncaught exceptions and unhandled rejections while a scenario runs. A pool must never
 * turn a dead socket into either (node-postgres#2439: an idle client's `error` event with no
 * listener crashes the process), so every fault scenario asserts the list is empty.
 */
export class ProcessGuard {
  readonly caught: unknown[] = [];
  readonly #onError = (error: unknown): void => {
    this.caught.push(error);
  };

  /** Starts listening (before mocha's own listeners, which would fail the test without detail). */
  install(): void {
    process.prependListener('uncaughtException', this.#onError);
    process.prependListener('unhandledRejection', this.#onError);
  }

  uninstall(): void {
    process.off('uncaughtException', this.#onError);
    process.off('unhandledRejection', this.#onError);
  }

  /** The collected errors as text, for an assertion message. */
  describe(): string {
    return this.caught.map((error) => (error as Error)?.stack ?? String(error)).join('\n');
  }
}

/** Registers a `ProcessGuard` around every test of the enclosing `describe`. */
export function guardProcess(): ProcessGuard {
  const guard = new ProcessGuard();
  beforeEach(() => {
    guard.caught.length = 0;
    guard.install();
  });
  afterEach(() => guard.uninstall());
  return guard;
}
