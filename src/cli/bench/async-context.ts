import { context } from '../../transaction/context.js';

/**
 * Switches on unipool's AsyncLocalStorage for the rest of the process. On Node 20 the first
 * `run()` of any AsyncLocalStorage installs a promise hook that every promise pays for from then
 * on — raw drivers included. unipool's scopes and `atomic()` do that in any real app; doing it
 * before the first measurement gives every contender, in every round, the same conditions.
 */
export function enableAsyncContext(): void {
  context.run({ scope: undefined, held: undefined }, () => undefined);
}
