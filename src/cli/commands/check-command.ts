import type { ConfigIssue } from '../../errors.js';
import { analyzeConfig } from '../../config/analyze-config.js';
import { findConfigFile, loadConfigFile } from '../load-config-file.js';
import type { CliCommand } from '../cli-command.js';
import { parseCommandArgs } from '../parse-command-args.js';

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

  async run(args, { io, cwd }) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } }, 1);
    const file = positionals[0] ?? (await findConfigFile(cwd));
    const config = await loadConfigFile(file, cwd);
    const { issues, databases } = analyzeConfig(config);
    const valid = databases !== undefined;
    if (values['json'] === true) {
      io.stdout.write(`${JSON.stringify({ valid, file, issues: issues.map(({ path, message }) => ({ path, message })) }, null, 2)}\n`);
    } else if (valid) {
      const list = databases.map((db) => `${db.alias}: ${db.engine}`).join(', ');
      io.stdout.write(`✓ ${file}: ${databases.length} database${databases.length === 1 ? '' : 's'} valid (${list})\n`);
    } else {
      io.stderr.write(`✗ ${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${issues.map(line).join('')}`);
    }
    return valid ? 0 : 1;
  },
};

function line(issue: ConfigIssue): string {
  return `  ${issue.path}: ${issue.message}\n`;
}
