import fc from 'fast-check';
import { UnipoolError } from '../../../src/index.js';

/** Any JavaScript value, with the odd ones a caller can pass by mistake. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withTypedArray: true,
    withSparseArray: true,
    withUnicodeString: true,
  }),
  fc.constantFrom<unknown>(
    Symbol('odd'),
    () => 1,
    new Date(Number.NaN),
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    2n ** 70n,
    true,
    Buffer.from('x'),
    new Uint8Array(2),
    Object.create(null),
    [1, [2]],
    { toString: 1 },
  ),
);

/** What a call to the public API ended with. */
export type Outcome = { readonly kind: 'ok' } | { readonly kind: 'unipool'; readonly code: string } | { readonly kind: 'server'; readonly code: string } | { readonly kind: 'other'; readonly error: unknown } | { readonly kind: 'hang' };

/**
 * A database's own error about the SQL (pg's DatabaseError with a SQLSTATE, a MySQL ERR packet, a
 * SqliteError): passed through unchanged by design, so its code stays visible.
 */
export function isServerError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, severity, sqlState, errno } = error as { code?: unknown; severity?: unknown; sqlState?: unknown; errno?: unknown };
  if (typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return true;
  if (typeof sqlState === 'string' && typeof errno === 'number') return true;
  return (error as { constructor?: { name?: string } }).constructor?.name === 'SqliteError' && typeof code === 'string';
}

/**
 * Runs `call` (which may throw, return a promise, or return an async iterable — iterated up to three
 * rows) and classifies how it ended; a call that does not settle within `hangMs` is a hang.
 */
export async function outcomeOf(call: () => unknown, hangMs = 5000): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'hang' }), hangMs);
  });
  const run = (async (): Promise<Outcome> => {
    try {
      const value: unknown = call();
      if (value !== null && typeof value === 'object' && Symbol.asyncIterator in value) {
        let rows = 0;
        for await (const _row of value as AsyncIterable<unknown>) if (++rows === 3) break;
      } else {
        await value;
      }
      return { kind: 'ok' };
    } catch (error) {
      if (error instanceof UnipoolError) return { kind: 'unipool', code: error.code };
      if (isServerError(error)) return { kind: 'server', code: String((error as { code?: unknown }).code) };
      return { kind: 'other', error };
    }
  })();
  try {
    return await Promise.race([run, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** True for the outcomes the contract allows: success, a UnipoolError, or the server's own SQL error. */
export function isAllowed(outcome: Outcome): boolean {
  return outcome.kind === 'ok' || outcome.kind === 'unipool' || outcome.kind === 'server';
}

/** A readable description of an outcome for a failed property. */
export function describeOutcome(outcome: Outcome): string {
  if (outcome.kind === 'other') {
    const error = outcome.error as { constructor?: { name?: string }; message?: unknown } | null;
    return `${error?.constructor?.name ?? typeof error}: ${String(error?.message ?? error)}`;
  }
  return JSON.stringify(outcome);
}
