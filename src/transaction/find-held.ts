import type { Frame, HeldConnection } from './context.js';

/**
 * The connection the current context holds for `db`: its own (`atomic()`/`session()`) first, then
 * the request scope's. Scope entries settle asynchronously, so only settled ones are visible here.
 */
export function findHeld(db: object, frame: Frame | undefined): HeldConnection | undefined {
  if (frame === undefined) return undefined;
  const own = frame.held?.get(db);
  if (own !== undefined && !own.holder.ended) return own;
  const scoped = frame.scope?.holders.get(db);
  if (scoped !== undefined && !scoped.ended && !frame.scope?.ended) return { holder: scoped, block: scoped.atomic };
  // A scope that ended inside a manual transaction keeps its ended holder, so a statement the
  // request runs afterwards fails with UNIPOOL_TX_ENDED instead of autocommitting half a transaction.
  if (own === undefined && scoped !== undefined && scoped.ended) return { holder: scoped, block: undefined };
  return own;
}
