import { GenericPoolEngine } from './generic-pool-engine.js';
import type { PoolEngine, PoolEngineOptions } from './pool-engine.js';

/**
 * Build the pool engine for one database (generic-pool underneath). `min` connections start
 * opening in the background at once; nothing here throws for an unreachable server.
 *
 * @example
 * const engine = createPoolEngine({ alias: 'default', engine: 'postgres', pool, factory });
 * const conn = await engine.acquire();
 * try { await use(conn.raw); } finally { engine.release(conn); }
 */
export function createPoolEngine<C>(options: PoolEngineOptions<C>): PoolEngine<C> {
  return new GenericPoolEngine(options);
}
