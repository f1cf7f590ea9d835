import { createDriverLoader, type ModuleLoader } from '../../src/load-driver.js';
import type { MysqlDriver } from './mysql-driver-types.js';

/** Imports the driver package; injectable so tests can simulate a missing or broken package. */
export type MysqlModuleLoader = ModuleLoader;

/** Returns the `mysql2` module, importing it on the first call only. */
export type MysqlDriverLoader = () => Promise<MysqlDriver>;

/** The `mysql2` loader (see `createDriverLoader`). */
export function createMysqlDriverLoader(loadModule: MysqlModuleLoader = () => import('mysql2')): MysqlDriverLoader {
  return createDriverLoader<MysqlDriver>('mysql', 'mysql2', loadModule);
}
