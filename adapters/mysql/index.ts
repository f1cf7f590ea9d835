/** The MySQL/MariaDB adapter (`mysql2`). */
export { createMysqlAdapter, mysqlAdapter, type MysqlAdapterOptions } from './mysql-adapter.js';
export { mysqlCapabilities } from './mysql-capabilities.js';
export { checkMysqlOptions } from './connect-mysql.js';
export { createMysqlDriverLoader, type MysqlDriverLoader, type MysqlModuleLoader } from './load-mysql-driver.js';
export type { MysqlConnection } from './mysql-driver-types.js';
export { runNativeCommand, retireNativeConnection, type NativeCallOutcome, type NativeStart } from './run-native-command.js';
export { mysqlEscaping, type MysqlEscaping } from './mysql-escaping.js';
export type { MysqlCommand, MysqlQueryCallback } from './mysql-driver-types.js';
export { mysqlSslOption } from './mysql-tls.js';
