import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { CliCommand } from '../../../src/cli/cli-command.js';
import { COMMANDS } from '../../../src/cli/command-table.js';
import { EXIT_INTERNAL_ERROR, main } from '../../../src/cli/main.js';
import { UsageError } from '../../../src/cli/usage-error.js';
import { capturedIo } from './captured-io.js';

async function run(args: string[], commands?: readonly CliCommand[]): Promise<{ code: number; out: string; err: string }> {
  const io = capturedIo();
  const code = await main(args, io, commands);
  return { code, out: io.out(), err: io.err() };
}

describe('unipool main()', () => {
  it('no command: the usage on stderr, exit 2 (a usage error, not a success)', async () => {
    const { code, out, err } = await run([]);
    expect(code).to.equal(2);
    expect(out).to.equal('');
    expect(err).to.match(/^unipool: no command given\n\nunipool — /);
    expect(err).to.include('Usage: unipool <command> [options]');
    expect(err).to.include('  check [config] [--json]   Validate a config file');
  });

  for (const args of [['--help'], ['-h'], ['help']]) {
    it(`${JSON.stringify(args)} prints the usage with every command on stdout, exit 0`, async () => {
      const { code, out, err } = await run(args);
      expect(code).to.equal(0);
      expect(err).to.equal('');
      expect(out).to.include('Usage: unipool <command> [options]');
      expect(out).to.include('  check [config] [--json]   Validate a config file against the schema and the cross-field rules\n');
      expect(out).to.include('  schema                    Print the JSON Schema of the config (for editors and other tools)\n');
      expect(out).to.include("  help [command]            Show this help, or a command's\n");
    });
  }

  it('help <command> and <command> --help print the command help', async () => {
    const viaHelp = await run(['help', 'check']);
    const viaFlag = await run(['check', '--help']);
    expect(viaHelp).to.deep.equal(viaFlag);
    expect(viaHelp.code).to.equal(0);
    expect(viaHelp.out).to.match(/^Usage: unipool check \[config\] \[--json\]\n/);
    expect(viaHelp.out).to.include('Exit codes: 0 valid; 1 invalid');
  });

  it('an unknown command: exit 2 with a did-you-mean on stderr', async () => {
    expect(await run(['chek', 'x.json'])).to.deep.equal({
      code: 2,
      out: '',
      err: 'unipool: unknown command "chek" — did you mean "check"?\nRun "unipool --help" for the commands.\n',
    });
    expect((await run(['help', 'shcema'])).err).to.equal('unipool: unknown command "shcema" — did you mean "schema"?\nRun "unipool --help" for the commands.\n');
    expect((await run(['frobnicate'])).err).to.equal('unipool: unknown command "frobnicate"\nRun "unipool --help" for the commands.\n');
  });

  it('an unknown global option: exit 2', async () => {
    expect(await run(['--jsn'])).to.deep.equal({ code: 2, out: '', err: 'unipool: unknown option "--jsn" — run "unipool --help" for the commands\n' });
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await run(['--version'])).to.deep.equal({ code: 0, out: `${version}\n`, err: '' });
  });

  it('schema prints the schema file unchanged; arguments are a usage error', async () => {
    const schema = readFileSync(new URL('../../../schema/databases.schema.json', import.meta.url), 'utf8');
    expect(await run(['schema'])).to.deep.equal({ code: 0, out: schema, err: '' });
    expect(JSON.parse((await run(['schema'])).out)).to.have.property('title', 'DatabasesConfig');
    expect((await run(['schema', 'x'])).code).to.equal(2);
  });

  it('a new command needs only a CliCommand object in the table', async () => {
    const hello: CliCommand = {
      name: 'hello',
      synopsis: '[name]',
      summary: 'Say hello',
      help: 'Says hello.',
      run: async (args, { io }) => {
        io.stdout.write(`hello ${args[0] ?? 'world'}\n`);
        return 0;
      },
    };
    const commands = [...COMMANDS, hello];
    expect(await run(['hello', 'you'], commands)).to.deep.equal({ code: 0, out: 'hello you\n', err: '' });
    expect((await run(['--help'], commands)).out).to.include('  hello [name]');
  });

  it('a UsageError from a command: exit 2, message only', async () => {
    const failing: CliCommand = { name: 'fail', synopsis: '', summary: 'Fail', help: '', run: () => Promise.reject(new UsageError('bad input')) };
    expect(await run(['fail'], [failing])).to.deep.equal({ code: 2, out: '', err: 'unipool fail: bad input\n' });
  });

  it('a bug in a command: exit 70 with the stack and a "please report" line', async () => {
    const buggy: CliCommand = {
      name: 'buggy',
      synopsis: '',
      summary: 'Crash',
      help: '',
      run: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'x')")),
    };
    const { code, out, err } = await run(['buggy'], [buggy]);
    expect(code).to.equal(EXIT_INTERNAL_ERROR);
    expect(out).to.equal('');
    expect(err).to.match(/^unipool buggy: internal error\nTypeError: Cannot read properties of undefined \(reading 'x'\)\n\s+at /);
    expect(err).to.match(/\nThis is a bug in unipool; please report it, with the command you ran\.\n$/);
  });
});
