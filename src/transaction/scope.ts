import type { Database } from '../database.js';
import type { Logger } from '../logger.js';
import { context, Scope } from './context.js';

/** The minimal request/response shape `dbs.middleware()` needs (Connect, Express, Node's http). */
export interface MiddlewareResponse {
  once(event: 'finish' | 'close', listener: () => void): unknown;
}

/** Connect/Express-style middleware. */
export type Middleware = (req: unknown, res: MiddlewareResponse, next: (error?: unknown) => void) => void;

/** Ends `scope`: every connection it holds goes back to its pool (rolled back and reset if needed). @internal */
export async function endScope(scope: Scope, databases: Iterable<Database>): Promise<void> {
  scope.ended = true;
  await Promise.all([...databases].map((db) => db.endScope(scope)));
}

/** Runs `fn` in a new request scope, or in the current one when already inside a scope. @internal */
export async function runScope<T>(databases: Iterable<Database>, fn: () => T | Promise<T>): Promise<T> {
  const parent = context.getStore();
  if (parent?.scope !== undefined && !parent.scope.ended) return fn();
  const scope = new Scope();
  try {
    return await context.run({ scope, held: parent?.held }, fn);
  } finally {
    await endScope(scope, databases);
  }
}

/** One scope per request, ended when the response finishes or the connection closes. @internal */
export function scopeMiddleware(databases: Iterable<Database>, logger: Logger): Middleware {
  const list = [...databases];
  return (_req, res, next) => {
    const scope = new Scope();
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      endScope(scope, list).catch((error: unknown) => logger.warn(`unipool: ending a request scope failed: ${(error as Error)?.message ?? String(error)}`));
    };
    res.once('finish', end);
    res.once('close', end);
    context.run({ scope, held: undefined }, next);
  };
}
