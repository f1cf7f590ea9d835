import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { didYouMean } from '../config/did-you-mean.js';
import type { CliCommand } from './cli-command.js';
import type { CliIo } from './cli-io.js';
import { COMMANDS } from './command-table.js';
import { packageVersion } from './package-version.js';
import { UsageError } from './usage-error.js';

/** Exit code for a bug in unipool itself (sysexits' EX_SOFTWARE). */
export const EXIT_INTERNAL_ERROR = 70;

/**
 * The `unipool` command line. `argv` is what follows the program name
 * (`process.argv.slice(2)`); resolves to the exit code: 0 success, 1 the checked thing is invalid,
 * 2 usage error (unknown command or option, missing or unparsable file), 70 a bug in unipool.
 * User mistakes never print a stack trace.
 *
 * @example process.exitCode = await main(['check', 'unipool.config.json'], process);
 */
export async function main(argv: readonly string[], io: CliIo, commands: readonly CliCommand[] = COMMANDS): Promise<number> {
  const [first, ...rest] = argv;
  // No command is a usage error (exit 2, usage on stderr): a script that forgot its argument must
  // not read as a success. Asking for help is not an error.
  if (first === undefined) {
    io.stderr.write(`unipool: no command given\n\n${usage(commands)}\n`);
    return 2;
  }
  if (first === '--help' || first === '-h') return print(io, usage(commands));
  if (first === '--version' || first === '-v') return print(io, packageVersion());
  if (first === 'help') {
    if (rest[0] === undefined) return print(io, usage(commands));
    const command = commands.find((c) => c.name === rest[0]);
    return command === undefined ? unknownCommand(io, rest[0], commands) : print(io, commandHelp(command));
  }
  if (first.startsWith('-')) return usageError(io, undefined, `unknown option "${first}" — run "unipool --help" for the commands`);
  const command = commands.find((c) => c.name === first);
  if (command === undefined) return unknownCommand(io, first, commands);
  const options = rest.slice(0, rest.includes('--') ? rest.indexOf('--') : undefined);
  if (options.includes('--help') || options.includes('-h')) return print(io, commandHelp(command));

  try {
    return await command.run(rest, { io, cwd: resolve(io.cwd ?? process.cwd()) });
  } catch (error) {
    if (error instanceof UsageError) return usageError(io, command, error.message, error.showUsage);
    const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    io.stderr.write(`unipool ${command.name}: internal error\n${detail}\nThis is a bug in unipool; please report it, with the command you ran.\n`);
    return EXIT_INTERNAL_ERROR;
  }
}

function usage(commands: readonly CliCommand[]): string {
  const rows = [...commands.map((c) => [`${c.name} ${c.synopsis}`.trim(), c.summary]), ['help [command]', "Show this help, or a command's"]];
  const width = Math.max(...rows.map(([left = '']) => left.length)) + 3;
  return `unipool — one validated connection-pool config for PostgreSQL, MySQL/MariaDB, SQLite and Oracle

Usage: unipool <command> [options]

Commands:
${rows.map(([left = '', right = '']) => `  ${left.padEnd(width)}${right}`).join('\n')}

Options:
  -h, --help      Show help (also after a command: unipool check --help)
  -v, --version   Print the version`;
}

function commandHelp(command: CliCommand): string {
  return `Usage: unipool ${`${command.name} ${command.synopsis}`.trim()}\n\n${command.summary}.\n\n${command.help}`;
}

function unknownCommand(io: CliIo, name: string, commands: readonly CliCommand[]): number {
  const suggestion = didYouMean(name, [...commands.map((c) => c.name), 'help']);
  return usageError(io, undefined, `unknown command "${name}"${suggestion === undefined ? '' : ` — did you mean "${suggestion}"?`}\nRun "unipool --help" for the commands.`);
}

function usageError(io: CliIo, command: CliCommand | undefined, message: string, showUsage = false): number {
  const hint = command === undefined || !showUsage ? '' : `\nUsage: unipool ${`${command.name} ${command.synopsis}`.trim()} (unipool ${command.name} --help for more)`;
  io.stderr.write(`unipool${command === undefined ? '' : ` ${command.name}`}: ${message}${hint}\n`);
  return 2;
}

function print(io: CliIo, text: string): number {
  io.stdout.write(`${text}\n`);
  return 0;
}

function isMainModule(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMainModule()) process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
