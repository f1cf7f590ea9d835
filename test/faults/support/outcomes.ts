import { UnipoolError } from '../../../src/index.js';

/**
 * A short, stable name for what an operation failed with: the `code` of a UnipoolError, the driver's
 * own code (SQLSTATE, errno name, socket code), else the error class and message. Used to tally
 * errors by kind in each scenario's report line.
 */
export function errorKind(error: unknown): string {
  if (error instanceof UnipoolError) return error.code;
  if (error !== null && typeof error === 'object') {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === 'string' || typeof code === 'number') return String(code);
    const name = (error as { constructor?: { name?: string } }).constructor?.name ?? 'Object';
    return `${name}(${typeof message === 'string' ? message.slice(0, 60) : ''})`;
  }
  return `thrown ${typeof error}`;
}

/**
 * Every operation a scenario starts, and how it ended. An operation is "lost" if it never settles:
 * `settle()` waits for all of them, so a lost operation shows up as a hang the test's timeout
 * reports, and `lost` is what is still open when the report is printed.
 */
export class Outcomes {
  started = 0;
  ok = 0;
  /** The longest an operation took, in ms (a hang detector, reported, never compared to a tight bound). */
  slowestMs = 0;
  readonly errors = new Map<string, number>();
  /** One example error per kind, for assertion messages. */
  readonly examples = new Map<string, unknown>();
  readonly #open = new Set<Promise<unknown>>();

  /** Runs `op`, recording its outcome; never rejects. Resolves true on success. */
  track(op: () => Promise<unknown>): Promise<boolean> {
    this.started += 1;
    const startedAt = performance.now();
    const done = (async (): Promise<boolean> => {
      try {
        await op();
        this.ok += 1;
        return true;
      } catch (error) {
        this.fail(error);
        return false;
      } finally {
        this.slowestMs = Math.max(this.slowestMs, performance.now() - startedAt);
      }
    })();
    this.#open.add(done);
    void done.finally(() => this.#open.delete(done));
    return done;
  }

  /** Records a failure that happened outside `track()`. */
  fail(error: unknown): void {
    const kind = errorKind(error);
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
    if (!this.examples.has(kind)) this.examples.set(kind, error);
  }

  get failed(): number {
    let total = 0;
    for (const count of this.errors.values()) total += count;
    return total;
  }

  /** Operations started and not settled yet. */
  get lost(): number {
    return this.#open.size;
  }

  /** Resolves once every operation started so far has settled. */
  async settle(): Promise<void> {
    while (this.#open.size > 0) await Promise.all([...this.#open]);
  }

  /** Error kinds not in `allowed`, with an example of each (empty when every error was expected). */
  unexpected(allowed: (kind: string, example: unknown) => boolean): string[] {
    return [...this.examples].filter(([kind, example]) => !allowed(kind, example)).map(([kind, example]) => `${kind}: ${(example as Error)?.stack ?? String(example)}`);
  }

  /** `errors={A:3,B:1}` sorted by count. */
  errorSummary(): string {
    const parts = [...this.errors].sort((a, b) => b[1] - a[1]).map(([kind, count]) => `${kind}:${count}`);
    return `{${parts.join(',')}}`;
  }
}

/**
 * Prints one line per scenario, in a fixed format the closing note can quote:
 * `[fault] <engine> <scenario>: key=value …`.
 */
export function report(engine: string, scenario: string, figures: Record<string, string | number | boolean>): void {
  const text = Object.entries(figures)
    .map(([key, value]) => `${key}=${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(1) : String(value)}`)
    .join(' ');
  console.log(`    [fault] ${engine} ${scenario}: ${text}`);
}
