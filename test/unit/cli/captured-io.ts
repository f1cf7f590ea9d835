import type { CliIo } from '../../../src/cli/cli-io.js';

/** A `CliIo` that records what a command writes. */
export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

/** Captures stdout and stderr of an in-process `main()` run; `cwd` defaults to the repository. */
export function capturedIo(cwd?: string): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    ...(cwd === undefined ? {} : { cwd }),
    out: () => out,
    err: () => err,
  };
}
