import { channel, tracingChannel } from 'node:diagnostics_channel';

/*
 * The `diagnostics_channel` channels of unipool (documented in metric-definitions.ts). Channels are
 * process-wide by name, so two copies of unipool in one process publish to the same subscribers.
 * Kept in module constants: a channel object must stay referenced for its subscribers to stay.
 */

/** `unipool:acquire`. */
export const acquireChannel = channel('unipool:acquire');
/** `unipool:release`. */
export const releaseChannel = channel('unipool:release');
/** `unipool:create`. */
export const createChannel = channel('unipool:create');
/** `unipool:destroy`. */
export const destroyChannel = channel('unipool:destroy');
/** `unipool:timeout`. */
export const timeoutChannel = channel('unipool:timeout');
/** `unipool:leak`. */
export const leakChannel = channel('unipool:leak');
/** `tracing:unipool:query:{start,end,asyncStart,asyncEnd,error}`. */
export const queryChannel = tracingChannel<object, object>('unipool:query');
