import { createDriverLoader, type ModuleLoader } from '../../src/load-driver.js';
import type { OracleDriver } from './oracle-driver-types.js';

/** Imports the driver package; injectable so tests can pass a fake `oracledb` or a missing one. */
export type OracleModuleLoader = ModuleLoader;

/** Returns the `oracledb` module, importing it on the first call only. */
export type OracleDriverLoader = () => Promise<OracleDriver>;

// A variable specifier: oracledb ships no type declarations (and @types/oracledb is not a
// dependency), so TypeScript must not try to resolve the module.
const ORACLEDB = 'oracledb';

/** The `oracledb` loader (see `createDriverLoader`). */
export function createOracleDriverLoader(loadModule: OracleModuleLoader = () => import(ORACLEDB)): OracleDriverLoader {
  return createDriverLoader<OracleDriver>('oracle', 'oracledb', loadModule);
}
