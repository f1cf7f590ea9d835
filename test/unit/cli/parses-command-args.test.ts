import { expect } from 'chai';
import { parseCommandArgs, type OptionSpec } from '../../../src/cli/parse-command-args.js';
import { UsageError } from '../../../src/cli/usage-error.js';

const spec: OptionSpec = { json: { type: 'boolean' }, instances: { type: 'string', short: 'n' } };

describe('command arguments', () => {
  it('reads flags, values and positionals in any order', () => {
    expect(parseCommandArgs(['a.json', '--json', '--instances', '4'], spec, 1)).to.deep.equal({ values: { json: true, instances: '4' }, positionals: ['a.json'] });
    expect(parseCommandArgs(['--instances=8', '-n', '9'], spec, 1).values).to.deep.equal({ instances: '9' });
  });

  it('treats everything after -- as positional', () => {
    expect(parseCommandArgs(['--', '--json'], spec, 1)).to.deep.equal({ values: {}, positionals: ['--json'] });
  });

  const errors: [string[], string][] = [
    [['--jsn'], 'unknown option "--jsn" — did you mean "--json"?'],
    [['--zzz'], 'unknown option "--zzz"'],
    [['--json=yes'], 'option "--json" takes no value'],
    [['--instances'], 'option "--instances" needs a value'],
    [['a', 'b'], 'unexpected argument "b"'],
    [['--constructor'], 'unknown option "--constructor"'],
  ];
  for (const [args, message] of errors) {
    it(`${JSON.stringify(args)} → ${message}`, () => {
      expect(() => parseCommandArgs(args, spec, 1))
        .to.throw(UsageError)
        .with.property('message', message);
    });
  }
});
