import type { CliIo } from './cli-io.js';

/** What a command gets to run with. */
export interface CliContext {
  readonly io: CliIo;
  /** Absolute working directory. */
  readonly cwd: string;
}

/**
 * One `unipool` command. A command lives in `src/cli/commands/<name>-command.ts` and is listed in
 * `src/cli/command-table.ts`; `main()` does the rest (help, `--help`, dispatch, exit codes).
 */
export interface CliCommand {
  /** What the user types: `check`. */
  readonly name: string;
  /** Arguments as shown in the command list: `[config] [--json]`. */
  readonly synopsis: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full text of `unipool help <name>` (after the usage line). */
  readonly help: string;
  /**
   * Runs the command with the arguments after its name; resolves to the exit code (0 success,
   * 1 the checked thing is bad, 2 usage error). Throw a `UsageError` for a user mistake; anything
   * else thrown is reported as an internal error.
   */
  run(args: readonly string[], context: CliContext): Promise<number>;
}
