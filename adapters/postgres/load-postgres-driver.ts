import { createDriverLoader } from '../../src/load-driver.js';
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

/** The `pg` and `pg-cursor` loaders (see `createDriverLoader`). */
export function createPostgresDriverLoader(loadModule: ModuleLoader = importPackage): PostgresDriverLoader {
  return {
    pg: createDriverLoader<PgModule>('postgres', 'pg', () => loadModule('pg')),
    cursor: createDriverLoader<PgCursorConstructor>('postgres', 'pg-cursor', () => loadModule('pg-cursor')),
  };
}

/** The loader the adapter uses. */
export const postgresDriver: PostgresDriverLoader = createPostgresDriverLoader();
