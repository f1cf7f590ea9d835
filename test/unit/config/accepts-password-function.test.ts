import { expect } from 'chai';
import { inspect } from 'node:util';
import type { Adapter, ConnectContext, ConnectionSettings } from '../../../src/adapter.js';
import { connectWithCurrentPassword, isPasswordFunctionFailure } from '../../../src/connect-with-password.js';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { validateConfig } from '../../../src/config/validate-config.js';
import { UnipoolError } from '../../../src/errors.js';
import { withDocsLink } from '../../support/docs-link.js';

const CONTEXT: ConnectContext = { timeoutMs: 1000, onBroken: () => undefined };

/** An adapter whose connect() records the settings it was given; nothing else is called. */
function recordingAdapter(): { adapter: Adapter<string>; seen: ConnectionSettings[] } {
  const seen: ConnectionSettings[] = [];
  const adapter = { connect: (settings: ConnectionSettings) => (seen.push(settings), Promise.resolve(`conn${seen.length}`)) } as unknown as Adapter<string>;
  return { adapter, seen };
}

function settingsWith(password: () => string | Promise<string>): ConnectionSettings {
  const [db] = resolveConfig({ default: { engine: 'postgres', host: 'db', user: 'app', password } });
  if (db === undefined) throw new Error('no database');
  return db.connection;
}

async function rejection(promise: Promise<unknown>): Promise<UnipoolError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UnipoolError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('password as a function', () => {
  it('passes validation, is not called while validating, and is never shown', () => {
    let calls = 0;
    const password = (): string => {
      calls += 1;
      return 'rotated-secret';
    };
    expect(validateConfig({ default: { engine: 'mysql', host: 'db', password } }).issues).to.deep.equal([]);
    const settings = settingsWith(password);
    expect(calls).to.equal(0);
    expect(settings.passwordFunction).to.equal(password);
    expect(settings.password).to.equal(undefined);
    expect(Object.keys(settings)).to.not.include('passwordFunction');
    expect(inspect(settings, { depth: 5 })).to.not.include('password');
  });

  it('is refused next to a URL that has a password, and on sqlite; a URL without one is fine', () => {
    const password = (): string => 'x';
    expect(validateConfig({ default: { engine: 'postgres', url: 'postgres://app:pw@db/app', password } }).issues).to.deep.equal([
      { path: 'databases.default.password', message: 'cannot be combined with a URL that has a password — keep one' },
    ]);
    expect(validateConfig({ default: { engine: 'postgres', url: 'postgres://app@db/app', password } }).issues).to.deep.equal([]);
    expect(validateConfig({ default: { engine: 'sqlite', database: ':memory:', password } }).issues.map((issue) => issue.path)).to.deep.equal(['databases.default.password']);
  });

  it('is called for every new connection, and the adapter gets its current result as the password, hidden', async () => {
    let secret = 'first';
    const settings = settingsWith(async () => Promise.resolve(secret));
    const { adapter, seen } = recordingAdapter();
    await connectWithCurrentPassword(adapter, settings, CONTEXT);
    secret = 'second';
    await connectWithCurrentPassword(adapter, settings, CONTEXT);
    expect(seen.map((s) => s.password)).to.deep.equal(['first', 'second']);
    for (const s of seen) {
      expect(Object.keys(s)).to.not.include('password');
      expect(s.passwordFunction).to.equal(undefined);
      expect({ ...s }).to.deep.equal({ ...settings });
      expect(Object.isFrozen(s)).to.equal(true);
    }
  });

  it('hands a plain password\'s settings to the adapter as they are', async () => {
    const [db] = resolveConfig({ default: { engine: 'postgres', host: 'db', password: 'static' } });
    const { adapter, seen } = recordingAdapter();
    await connectWithCurrentPassword(adapter, db?.connection as ConnectionSettings, CONTEXT);
    expect(seen[0]).to.equal(db?.connection);
  });

  it('a function that throws or rejects: UNIPOOL_CONNECT_FAILED with its error as cause, classed permanent', async () => {
    const cause = new Error('CredentialsProviderError: could not load credentials');
    const { adapter, seen } = recordingAdapter();
    for (const password of [() => { throw cause; }, () => Promise.reject(cause)]) {
      const error = await rejection(connectWithCurrentPassword(adapter, settingsWith(password), CONTEXT));
      expect(error.code).to.equal('UNIPOOL_CONNECT_FAILED');
      expect(error.cause).to.equal(cause);
      expect(error.message).to.equal(withDocsLink(
        'UNIPOOL_CONNECT_FAILED',
        'unipool: the password function threw Error: CredentialsProviderError: could not load credentials. It is called for every new connection and must return the password (or a promise of it): fix it, or the secret store it reads (error.cause holds its error).',
      ));
      expect(isPasswordFunctionFailure(error)).to.equal(true);
    }
    expect(seen).to.deep.equal([]);
  });

  it('a function that returns no string or an empty one: UNIPOOL_CONNECT_FAILED that never shows the value', async () => {
    const { adapter } = recordingAdapter();
    const wrong = await rejection(connectWithCurrentPassword(adapter, settingsWith(() => ({ token: 'SECRET-TOKEN' }) as unknown as string), CONTEXT));
    expect(wrong.message).to.match(/^unipool: the password function returned object instead of a string\./);
    expect(inspect(wrong)).to.not.include('SECRET-TOKEN');
    const empty = await rejection(connectWithCurrentPassword(adapter, settingsWith(() => ''), CONTEXT));
    expect(empty.message).to.match(/^unipool: the password function returned an empty string/);
    expect(isPasswordFunctionFailure(empty)).to.equal(true);
    expect(isPasswordFunctionFailure(new UnipoolError('UNIPOOL_CONNECT_FAILED', 'other'))).to.equal(false);
  });
});
