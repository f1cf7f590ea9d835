import type { ConfigIssue } from '../../errors.js';
import { analyzeConfig } from '../../config/analyze-config.js';
import { findConfigFile, loadConfigFile } from '../load-config-file.js';
import type { CliContext } from '../cli-command.js';
import { parseCommandArgs } from '../parse-command-args.js';

/** `unipool check` itself (its help text is in check-command.ts). */
export async function runCheckCommand(args: readonly string[], { io, cwd }: CliContext): Promise<number> {
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
}

function line(issue: ConfigIssue): string {
  return `  ${issue.path}: ${issue.message}\n`;
}
