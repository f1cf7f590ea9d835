import type { CliCommand } from './cli-command.js';
import { benchCommand } from './commands/bench-command.js';
import { checkCommand } from './commands/check-command.js';
import { doctorCommand } from './commands/doctor-command.js';
import { schemaCommand } from './commands/schema-command.js';

/**
 * Every `unipool` command, in the order `unipool --help` lists them. To add one, write
 * `src/cli/commands/<name>-command.ts` exporting a `CliCommand` and add it here.
 */
export const COMMANDS: readonly CliCommand[] = [checkCommand, schemaCommand, doctorCommand, benchCommand];
