/** Somewhere text can be written: `process.stdout`, or a buffer in tests. */
export interface CliOutput {
  write(text: string): unknown;
}

/** The streams (and working directory) a `unipool` run uses; tests pass their own. */
export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** Where relative paths and the default config file are looked up. Default: `process.cwd()`. */
  readonly cwd?: string;
}
