/** The Oracle adapter (`oracledb`, Thin mode). */
export { createOracleAdapter, oracleAdapter, setTransactionSql, type OracleAdapterOptions } from './oracle-adapter.js';
export { oracleCapabilities } from './oracle-capabilities.js';
export { oracleConnectOptions } from './connect-oracle.js';
export { createOracleDriverLoader, type OracleDriverLoader, type OracleModuleLoader } from './load-oracle-driver.js';
export type { OracleConnection } from './oracle-driver-types.js';
