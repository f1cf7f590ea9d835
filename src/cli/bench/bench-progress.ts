import type { CliOutput } from '../cli-io.js';

/** Where a benchmark reports what it is doing. */
export interface BenchProgress {
  /** A measurement begins; `plannedMs` is how long it should take. */
  start(label: string, plannedMs: number): void;
  /** The current measurement ended; `result` is a short summary (`7,412 ops/s`). */
  finish(result: string): void;
  /** A line of its own (a skipped contender, a server started…). */
  note(text: string): void;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

/**
 * Progress on stderr. On a terminal, one line per measurement with a bar that fills as its time
 * passes, replaced by the result when it ends; otherwise (CI logs, a pipe) one plain line per
 * measurement and no control characters.
 */
export function createProgress(output: CliOutput, isTty: boolean): BenchProgress {
  return isTty ? new TerminalProgress(output) : new PlainProgress(output);
}

/** A progress display that prints nothing (for `--json` and tests that only want the result). */
export const silentProgress: BenchProgress = { start() {}, finish() {}, note() {} };

class PlainProgress implements BenchProgress {
  readonly #output: CliOutput;
  #label = '';
  constructor(output: CliOutput) {
    this.#output = output;
  }
  start(label: string): void {
    this.#label = label;
  }
  finish(result: string): void {
    this.#output.write(`${this.#label} … ${result}\n`);
  }
  note(text: string): void {
    this.#output.write(`${text}\n`);
  }
}

class TerminalProgress implements BenchProgress {
  readonly #output: CliOutput;
  #label = '';
  #startedAt = 0;
  #plannedMs = 1;
  #timer: ReturnType<typeof setInterval> | undefined = undefined;

  constructor(output: CliOutput) {
    this.#output = output;
  }

  start(label: string, plannedMs: number): void {
    this.#stop();
    this.#label = label;
    this.#startedAt = performance.now();
    this.#plannedMs = Math.max(1, plannedMs);
    this.#draw();
    this.#timer = setInterval(() => this.#draw(), REDRAW_MS);
    this.#timer.unref();
  }

  finish(result: string): void {
    this.#stop();
    this.#output.write(`\r\x1b[2K${this.#label} … ${result}\n`);
  }

  note(text: string): void {
    const running = this.#timer !== undefined;
    this.#output.write(`\r\x1b[2K${text}\n`);
    if (running) this.#draw();
  }

  #draw(): void {
    const fraction = Math.min(1, (performance.now() - this.#startedAt) / this.#plannedMs);
    const filled = Math.round(fraction * BAR_WIDTH);
    const percent = `${Math.floor(fraction * 100)}`.padStart(3);
    this.#output.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${percent}% ${this.#label}`);
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
