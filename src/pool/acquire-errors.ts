import { endSentence } from '../connect-errors.js';
import { AcquireTimeoutError, messageWithoutDocsLink, QueueFullError, UnipoolError } from '../errors.js';

/** The pool's numbers that acquire errors report. */
export interface PoolCounts {
  readonly size: number;
  readonly inUse: number;
  readonly idle: number;
  readonly waiting: number;
}

/**
 * Strips `user:password@` from anything that looks like a URL. Driver messages do not normally carry
 * credentials, but some echo a connection string; this guard keeps a password out of our messages.
 */
export function redactUserinfo(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1***@');
}

function messageOf(cause: unknown): string {
  if (cause instanceof Error) return messageWithoutDocsLink(cause);
  return String(cause);
}

/**
 * `UNIPOOL_ACQUIRE_TIMEOUT` with the pool's numbers and, when a connection attempt failed since the
 * last success, that error as `cause` and its message appended.
 */
export function acquireTimeoutError(alias: string, timeoutMs: number, counts: PoolCounts, cause: unknown): AcquireTimeoutError {
  let message =
    `unipool: timed out after ${timeoutMs} ms waiting for a connection from pool "${alias}" ` +
    `(size=${counts.size} inUse=${counts.inUse} idle=${counts.idle} waiting=${counts.waiting})`;
  message +=
    cause === undefined
      ? '. Every connection stayed busy: raise pool.max or pool.acquireTimeoutMs, or find what holds connections too long (stats().holdMs, pool.leakDetectionMs).'
      : `; last connect error: ${endSentence(redactUserinfo(messageOf(cause)))} Fix the connection problem (see error.cause).`;
  return new AcquireTimeoutError(message, cause);
}

/**
 * What waiting callers get when opening a connection failed and waiting longer cannot help: the
 * adapter's own `UNIPOOL_CONNECT_FAILED` as it is (its cause is the driver error, its message has
 * the fix), anything else (a connect timeout, a missing driver) wrapped in one with it as cause.
 */
export function connectFailedError(alias: string, error: unknown, permanent: boolean): UnipoolError {
  if (error instanceof UnipoolError && error.code === 'UNIPOOL_CONNECT_FAILED') return error;
  const advice = permanent
    ? 'Retrying cannot fix this: correct the configuration or install what is missing (see error.cause).'
    : 'No connection is open and the server does not answer; requests fail fast until it does (see error.cause).';
  return new UnipoolError('UNIPOOL_CONNECT_FAILED', `unipool: pool "${alias}" could not open a connection: ${endSentence(redactUserinfo(messageOf(error).replace(/^unipool: /, '')))} ${advice}`, { cause: error });
}

/** `UNIPOOL_QUEUE_FULL`: `maxWaiting` callers already wait. */
export function queueFullError(alias: string, maxWaiting: number, counts: PoolCounts): QueueFullError {
  return new QueueFullError(
    `unipool: pool "${alias}" has ${counts.waiting} callers waiting (maxWaiting=${maxWaiting}); rejecting at once ` +
      `(size=${counts.size} inUse=${counts.inUse} idle=${counts.idle}). Raise pool.maxWaiting or pool.max, or shed load earlier.`,
  );
}

/**
 * `UNIPOOL_CONNECT_TIMEOUT`: one `factory.create()` did not settle within `connectTimeoutMs` — or,
 * when a create tries several hosts, within the `createTimeoutMs` the factory gives for all of them.
 */
export function connectTimeoutError(alias: string, connectTimeoutMs: number, createTimeoutMs = connectTimeoutMs): UnipoolError {
  const bound = createTimeoutMs === connectTimeoutMs ? `connectTimeoutMs (${connectTimeoutMs} ms)` : `${createTimeoutMs} ms (connectTimeoutMs ${connectTimeoutMs} ms for each host and check)`;
  return new UnipoolError(
    'UNIPOOL_CONNECT_TIMEOUT',
    `unipool: opening a connection for pool "${alias}" took longer than ${bound}; ` +
      'check that the server is reachable, or raise pool.connectTimeoutMs.',
  );
}

/** `UNIPOOL_LEASE_RELEASED`: release/destroy of a connection that is not lent out. */
export function leaseReleasedError(alias: string, id: number, action: 'release' | 'destroy'): UnipoolError {
  return new UnipoolError(
    'UNIPOOL_LEASE_RELEASED',
    `unipool: ${action}() of connection #${id} of pool "${alias}", which is not checked out (already released or destroyed). ` +
      'Release each connection exactly once.',
  );
}

/** `UNIPOOL_INVALID_ARGUMENT`: a connection that this pool did not lend. */
export function foreignConnectionError(alias: string, action: 'release' | 'destroy'): UnipoolError {
  return new UnipoolError(
    'UNIPOOL_INVALID_ARGUMENT',
    `unipool: ${action}() on pool "${alias}" received something that is not a connection acquired from this pool.`,
  );
}
