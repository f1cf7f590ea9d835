import { UnipoolError } from './errors.js';

/**
 * The client-side backstop of `statementTimeoutMs`. The server ends a statement that runs too long
 * and answers with an error; when no answer comes at all (a black-holed network, a frozen server)
 * only a client timer can end the wait. It fires this much later than the server's limit, so a
 * server that is merely slow to answer its own timeout still wins the race and the connection is
 * kept; after the backstop the connection is destroyed, since the statement may still be running.
 */
export const STATEMENT_TIMEOUT_GRACE_MS = 1000;

/** The longest delay Node's timers accept; a longer one fires after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The client timer for a database's `statementTimeoutMs`, or undefined when there is no limit
 * (undefined or 0): the limit plus the grace, capped at the longest timer Node can set.
 */
export function clientTimeoutMs(statementTimeoutMs: number | undefined): number | undefined {
  if (statementTimeoutMs === undefined || statementTimeoutMs <= 0) return undefined;
  return Math.min(statementTimeoutMs + STATEMENT_TIMEOUT_GRACE_MS, MAX_TIMER_MS);
}

/**
 * `UNIPOOL_STATEMENT_TIMEOUT` for a statement that ran out of time; the driver error is the cause.
 * `destroyed`: no answer came (the client backstop fired), so the connection was destroyed.
 */
export function statementTimeout(config: { readonly alias: string; readonly statementTimeoutMs?: number }, destroyed: boolean, cause: unknown): UnipoolError {
  // A limit set another way (a driver option, SET statement_timeout in a session) times out the same
  // way and gets the same code; only the message cannot name the value.
  const configured = config.statementTimeoutMs !== undefined;
  const limit = configured ? `statementTimeoutMs (${config.statementTimeoutMs} ms)` : 'its time limit';
  const outcome = destroyed
    ? 'no answer came from the server in time, so the connection was destroyed; the statement may or may not have run'
    : 'the server stopped it; the connection stays usable (inside atomic() the transaction rolls back)';
  const fix = configured ? 'Make it faster or raise statementTimeoutMs.' : 'Make it faster or raise the limit.';
  return new UnipoolError('UNIPOOL_STATEMENT_TIMEOUT', `unipool: pool "${config.alias}": the statement ran longer than ${limit}: ${outcome}. ${fix}`, { cause });
}
