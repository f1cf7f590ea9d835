import { readConfigSchemaText } from '../../config/config-schema.js';
import type { CliCommand } from '../cli-command.js';
import { parseCommandArgs } from '../parse-command-args.js';

/** `unipool schema`: print the JSON Schema of the configuration. */
export const schemaCommand: CliCommand = {
  name: 'schema',
  synopsis: '',
  summary: 'Print the JSON Schema of the config (for editors and other tools)',
  help: `Prints schema/databases.schema.json (JSON Schema 2020-12) on stdout, e.g.:

  unipool schema > databases.schema.json

Editors can also point "$schema" at node_modules/unipool/schema/databases.schema.json.`,

  async run(args, { io }) {
    parseCommandArgs(args, {}, 0);
    const text = readConfigSchemaText();
    io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return 0;
  },
};
