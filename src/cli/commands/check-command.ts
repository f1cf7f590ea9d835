import type { CliCommand } from '../cli-command.js';

/** `unipool check [config] [--json]`: validate a config file with the library's own validator. */
export const checkCommand: CliCommand = {
  name: 'check',
  synopsis: '[config] [--json]',
  summary: 'Validate a config file against the schema and the cross-field rules',
  help: `Runs the validator of createDatabases() on a config file, without connecting.

Arguments:
  config    A .json file; a .js/.mjs/.cjs module whose "databases" export (or default export) is
            the config; or a .ts module (loaded with tsx, which must be installed).
            Default: the one unipool.config.{json,js,mjs,cjs,ts,mts} in the current directory.

Options:
  --json    Print { "valid", "file", "issues": [{ "path", "message" }] } on stdout
  -h, --help

Exit codes: 0 valid; 1 invalid (every problem is listed on stderr); 2 usage error, file not found,
or a file that cannot be parsed or loaded.`,

  run(args, context) {
    // Loaded when the command runs, so `unipool --help` and the other commands do not load it.
    return import('./run-check-command.js').then(({ runCheckCommand }) => runCheckCommand(args, context));
  },
};
