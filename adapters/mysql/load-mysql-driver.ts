import { UnipoolError } from '../../src/errors.js';
import type { MysqlDriver } from './mysql-driver-types.js';

/** Imports the driver package; injectable so tests can simulate a missing or broken package. */
export type MysqlModuleLoader = () => Promise<unknown>;

/** Returns the `mysql2` module, importing it on the first call only. */
export type MysqlDriverLoader = () => Promise<MysqlDriver>;

const importMysql2: MysqlModuleLoader = () => import('mysql2');

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * A loader with its own cache. A failed import is not cached, so installing the package and
 * retrying works without a restart. A missing package becomes `UNIPOOL_DRIVER_MISSING` with the
 * install command.
 */
export function createMysqlDriverLoader(loadModule: MysqlModuleLoader = importMysql2): MysqlDriverLoader {
  let pending: Promise<MysqlDriver> | undefined;
  return () => {
    pending ??= loadModule().then(
      (module) => ((module as { default?: unknown }).default ?? module) as MysqlDriver,
      (error: unknown) => {
        pending = undefined;
        throw new UnipoolError(
          'UNIPOOL_DRIVER_MISSING',
          isNotFound(error)
            ? 'engine "mysql" needs the package "mysql2": npm install mysql2'
            : `engine "mysql": loading the package "mysql2" failed: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      },
    );
    return pending;
  };
}
