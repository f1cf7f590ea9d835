import { createRequire } from 'node:module';
import { UnipoolError } from '../../src/errors.js';
import type { PgModule } from './postgres-driver-types.js';

/** The `pg` module with its `Pool` class (pg-pool, bound to pg's `Client`). */
export interface PgModuleWithPool extends PgModule {
  readonly Pool: new (options?: Record<string, unknown>) => object;
}

// Resolved from this file, like the adapter's own `import('pg')`: both reach the same installed pg,
// whose CommonJS exports object is shared by `require` and `import` (one `Pool` class, so
// `instanceof pg.Pool` holds in libraries that import pg themselves).
const requireFromHere = createRequire(import.meta.url);

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}

/**
 * The application's `pg` module, loaded synchronously: `db.pgPool()` must return a `pg.Pool`
 * subclass at once (`new PrismaPg(db.pgPool())`), before any connection has made the adapter load
 * pg. Only called by `pgPool()`, so unipool still needs no pg when that feature is unused.
 */
export function requirePg(): PgModuleWithPool {
  let pg: PgModuleWithPool;
  try {
    pg = requireFromHere('pg') as PgModuleWithPool;
  } catch (error) {
    throw new UnipoolError(
      'UNIPOOL_DRIVER_MISSING',
      isNotFound(error) ? 'engine "postgres" needs the package "pg": npm install pg' : `engine "postgres": loading the package "pg" failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return pg;
}
