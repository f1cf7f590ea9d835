/** Delay before the first retry after a failed connection attempt. */
export const BACKOFF_INITIAL_MS = 50;
/** The delay doubles per consecutive failure up to this cap. */
export const BACKOFF_MAX_MS = 5000;
/** Each delay is up to this fraction shorter, at random, so many processes do not retry in step. */
export const BACKOFF_JITTER = 0.25;

/**
 * How long to wait before the next connection attempt after `failures` consecutive failures (≥ 1):
 * 50 ms, 100 ms, 200 ms … doubling to 5 s, each up to 25 % shorter at random.
 *
 * @example
 * backoffDelayMs(1, () => 0); // 50
 * backoffDelayMs(20, () => 0); // 5000
 */
export function backoffDelayMs(failures: number, random: () => number): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const nominal = Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** exponent);
  return Math.round(nominal * (1 - BACKOFF_JITTER * random()));
}
