import type { Adapter, ConnectContext, ConnectionSettings } from './adapter.js';
import { redactSecrets } from './config/redact-secrets.js';
import { UnipoolError } from './errors.js';

/** The failures of a password function: a retry of the same connect cannot fix them (see `isPasswordFunctionFailure`). */
const passwordFunctionFailures = new WeakSet<object>();

/**
 * Opens one connection through `adapter` with the current password. When the config's `password`
 * is a function it is called here, once per new connection (never for a borrow of an open one):
 * a rotated secret or a fresh cloud IAM token reaches the next connection while open ones carry
 * on. The adapter gets a copy of the settings with that password, hidden like any password. With
 * a plain password this is `adapter.connect()` itself, without an extra await.
 */
export function connectWithCurrentPassword<C>(adapter: Adapter<C>, settings: ConnectionSettings, context: ConnectContext): Promise<C> {
  const passwordFunction = settings.passwordFunction;
  if (passwordFunction === undefined) return adapter.connect(settings, context);
  return currentPassword(passwordFunction).then((password) => adapter.connect(withPassword(settings, password), context));
}

/**
 * True for the `UNIPOOL_CONNECT_FAILED` of a password function that threw, rejected or returned no
 * string. The pool treats it as permanent: the callers waiting now get it at once, with the
 * function's error as `cause`, instead of a timeout later; the next connect calls the function
 * again, so a secret store that recovers is picked up.
 */
export function isPasswordFunctionFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && passwordFunctionFailures.has(error);
}

async function currentPassword(passwordFunction: () => string | Promise<string>): Promise<string> {
  let password: unknown;
  try {
    password = await passwordFunction();
  } catch (error) {
    throw failure(`threw ${describeError(error)}`, error);
  }
  // The value is never shown: a wrong type may still hold the secret (an object with a token in it).
  if (typeof password !== 'string') throw failure(`returned ${password === null ? 'null' : typeof password} instead of a string`, undefined);
  if (password === '') throw failure('returned an empty string (is the secret or environment variable it reads set?)', undefined);
  return password;
}

function failure(what: string, cause: unknown): UnipoolError {
  const error = new UnipoolError(
    'UNIPOOL_CONNECT_FAILED',
    `unipool: the password function ${what}. It is called for every new connection and must return the password (or a promise of it): fix it, or the secret store it reads${cause === undefined ? '' : ' (error.cause holds its error)'}.`,
    cause === undefined ? undefined : { cause },
  );
  passwordFunctionFailures.add(error);
  return error;
}

function describeError(error: unknown): string {
  try {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const redacted = redactSecrets(text.split('\n')[0] ?? '');
    return redacted.length > 200 ? `${redacted.slice(0, 199)}…` : redacted;
  } catch {
    return 'an error that cannot be printed';
  }
}

/** `settings` with `password` replaced, non-enumerable like the original, and frozen like it. */
function withPassword(settings: ConnectionSettings, password: string): ConnectionSettings {
  // The spread copies only enumerable fields: neither the old password nor the function.
  const copy = { ...settings };
  Object.defineProperty(copy, 'password', { value: password, enumerable: false });
  return Object.freeze(copy);
}
