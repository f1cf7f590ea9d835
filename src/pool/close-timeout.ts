import { describeValue } from '../config/describe-value.js';
import { UnipoolError } from '../errors.js';

/** How long `close()` waits for checked-out connections when no `timeoutMs` is given. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

/** The longest delay `setTimeout` honours; a longer one (Infinity included) fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * The `timeoutMs` of `close(options)`: a number ≥ 0 (`Infinity` waits for every connection), or the
 * default when left out. Anything else throws `UNIPOOL_INVALID_ARGUMENT`: a string or NaN used to
 * become a 1 ms timer, forcing every connection closed at once, and a bigint or symbol a TypeError.
 */
export function closeTimeoutMs(alias: string, options: unknown): number {
  if (options === undefined) return DEFAULT_CLOSE_TIMEOUT_MS;
  if (typeof options !== 'object' || options === null) {
    throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `unipool: close(options) of pool "${alias}": options must be an object like { timeoutMs: 10_000 }, got ${describeValue(options)}`);
  }
  const timeoutMs: unknown = (options as { timeoutMs?: unknown }).timeoutMs;
  if (timeoutMs === undefined) return DEFAULT_CLOSE_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `unipool: close({ timeoutMs }) of pool "${alias}": timeoutMs must be a number of milliseconds ≥ 0, got ${describeValue(timeoutMs)}`);
  }
  return timeoutMs;
}
