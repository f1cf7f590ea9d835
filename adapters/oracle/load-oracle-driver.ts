import { UnipoolError } from '../../src/errors.js';
import type { OracleDriver } from './oracle-driver-types.js';

/** Imports the driver package; injectable so tests can pass a fake `oracledb` or a missing one. */
export type OracleModuleLoader = () => Promise<unknown>;

/** Returns the `oracledb` module, importing it on the first call only. */
export type OracleDriverLoader = () => Promise<OracleDriver>;

// A variable specifier: oracledb ships no type declarations (and @types/oracledb is not a
// dependency), so TypeScript must not try to resolve the module.
const ORACLEDB = 'oracledb';
const importOracledb: OracleModuleLoader = () => import(ORACLEDB);

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * A loader with its own cache. A failed import is not cached, so installing the package and
 * retrying works without a restart. A missing package becomes `UNIPOOL_DRIVER_MISSING` with the
 * install command.
 */
export function createOracleDriverLoader(loadModule: OracleModuleLoader = importOracledb): OracleDriverLoader {
  let pending: Promise<OracleDriver> | undefined;
  return () => {
    pending ??= loadModule().then(
      (module) => ((module as { default?: unknown }).default ?? module) as OracleDriver,
      (error: unknown) => {
        pending = undefined;
        throw new UnipoolError(
          'UNIPOOL_DRIVER_MISSING',
          isNotFound(error)
            ? 'engine "oracle" needs the package "oracledb": npm install oracledb'
            : `engine "oracle": loading the package "oracledb" failed: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      },
    );
    return pending;
  };
}
