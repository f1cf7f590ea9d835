import { expect } from 'chai';
import { inspect } from 'node:util';
import { redactSecrets } from '../../../src/config/redact-secrets.js';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { ConfigError } from '../../../src/errors.js';

const SECRET = 'Tr0ub4dor&3';

function configError(input: unknown): ConfigError {
  try {
    resolveConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function everyRendering(error: ConfigError): string[] {
  return [String(error), error.message, JSON.stringify(error), JSON.stringify(error.issues), inspect(error, { depth: 10 }), error.stack ?? ''];
}

describe('passwords', () => {
  it('are readable on the resolved settings but not enumerable', () => {
    const [fromUrl, discrete] = resolveConfig({
      default: { engine: 'postgres', url: `postgres://app:${encodeURIComponent(SECRET)}@db/app` },
      other: { engine: 'mysql', host: 'db', password: SECRET },
    });
    for (const db of [fromUrl, discrete]) {
      const connection = db?.connection;
      expect(connection?.password).to.equal(SECRET);
      expect(Object.keys(connection ?? {})).to.not.include('password');
      expect(JSON.stringify(db)).to.not.include(SECRET);
      expect(inspect(db, { depth: 10 })).to.not.include(SECRET);
      expect({ ...connection }).to.not.have.property('password');
    }
  });

  it('never appear in a ConfigError about a URL, however it is rendered', () => {
    const error = configError({ default: { engine: 'mysql', url: `postgres://app:${SECRET}@db/app`, pool: { max: 0 } } });
    expect(error.issues.map((issue) => issue.path)).to.deep.equal(['databases.default.pool.max', 'databases.default.url']);
    for (const text of everyRendering(error)) expect(text).to.not.include(SECRET);
  });

  it('never appear when a URL is given where an object was expected', () => {
    const error = configError({ default: `postgres://app:${SECRET}@db/app` });
    expect(error.issues[0]?.message).to.include('"postgres://app:***@db/app"');
    for (const text of everyRendering(error)) expect(text).to.not.include(SECRET);
  });

  it('never appear when the password has the wrong type or sits next to a password URL', () => {
    const wrongType = configError({ default: { engine: 'postgres', host: 'db', password: 123456789 } });
    expect(wrongType.issues).to.deep.equal([{ path: 'databases.default.password', message: 'must be a string, got a number' }]);
    for (const text of everyRendering(wrongType)) expect(text).to.not.include('123456789');

    const twice = configError({ default: { engine: 'postgres', url: `postgres://app:${SECRET}@db/app`, password: 'other-secret' } });
    for (const text of everyRendering(twice)) {
      expect(text).to.not.include(SECRET);
      expect(text).to.not.include('other-secret');
    }
  });

  it('never appear in a message about an unparsable URL', () => {
    const error = configError({ default: { engine: 'postgres', url: `postgres://app:${SECRET}/x#y@db:99999/app` } });
    for (const text of everyRendering(error)) {
      expect(text).to.not.include(SECRET);
      expect(text).to.not.include('Tr0ub');
    }
  });

  describe('redactSecrets', () => {
    const cases: [string, string][] = [
      ['postgres://app:secret@db/x', 'postgres://app:***@db/x'],
      ['postgres://app@db/x', 'postgres://app@db/x'],
      ['postgres://db/x', 'postgres://db/x'],
      ['mysql://u:p@ss:w@rd@db/x', 'mysql://u:***@db/x'],
      ['mysql://u@db/x?password=secret&a=1', 'mysql://u@db/x?password=***&a=1'],
      ['not a url', 'not a url'],
    ];
    for (const [input, output] of cases) {
      it(`${JSON.stringify(input)} → ${JSON.stringify(output)}`, () => {
        expect(redactSecrets(input)).to.equal(output);
      });
    }
  });
});
