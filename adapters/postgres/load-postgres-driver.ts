import { UnipoolError } from '../../src/errors.js';
import type { PgCursorConstructor, PgModule } from './postgres-driver-types.js';

/** Imports a package by name; injectable so tests can point it at a package that does not exist. */
export type ModuleLoader = (packageName: string) => Promise<unknown>;

/** Loads `pg` and `pg-cursor` on first use, each at most once. */
export interface PostgresDriverLoader {
  /** The `pg` module; `UNIPOOL_DRIVER_MISSING` when it is not installed. */
  pg(): Promise<PgModule>;
  /** The `pg-cursor` class, needed only by `stream()`. */
  cursor(): Promise<PgCursorConstructor>;
}

const importPackage: ModuleLoader = (packageName) => import(packageName);

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * A loader with its own cache. A failed import is not cached, so installing the package and
 * retrying works without a restart.
 */
export function createPostgresDriverLoader(loadModule: ModuleLoader = importPackage): PostgresDriverLoader {
  const cache = new Map<string, Promise<unknown>>();
  const load = <T>(packageName: string): Promise<T> => {
    let pending = cache.get(packageName);
    if (pending === undefined) {
      pending = loadModule(packageName).then(
        (module) => (module as { default?: unknown }).default ?? module,
        (error: unknown) => {
          cache.delete(packageName);
          throw new UnipoolError(
            'UNIPOOL_DRIVER_MISSING',
            isNotFound(error)
              ? `engine "postgres" needs the package "${packageName}": npm install ${packageName}`
              : `engine "postgres": loading the package "${packageName}" failed: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        },
      );
      cache.set(packageName, pending);
    }
    return pending as Promise<T>;
  };
  return {
    pg: () => load<PgModule>('pg'),
    cursor: () => load<PgCursorConstructor>('pg-cursor'),
  };
}

/** The loader the adapter uses. */
export const postgresDriver: PostgresDriverLoader = createPostgresDriverLoader();
