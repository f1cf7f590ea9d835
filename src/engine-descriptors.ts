import type { Engine } from './adapter.js';
import type { EngineDescriptor } from './engine-descriptor.js';
import { mysqlDescriptor } from '../adapters/mysql/mysql-descriptor.js';
import { oracleDescriptor } from '../adapters/oracle/oracle-descriptor.js';
import { postgresDescriptor } from '../adapters/postgres/postgres-descriptor.js';
import { sqliteDescriptor } from '../adapters/sqlite/sqlite-descriptor.js';

/**
 * The descriptor of each engine — the one list of engines. Cheap to import: descriptors load
 * neither their adapter nor their driver, so validating a config (`unipool check`) stays light.
 */
export const descriptors: Readonly<Record<Engine, EngineDescriptor>> = Object.freeze({
  postgres: postgresDescriptor,
  mysql: mysqlDescriptor,
  sqlite: sqliteDescriptor,
  oracle: oracleDescriptor,
} satisfies Record<Engine, EngineDescriptor>);

/** Every engine name, in the docs' order. */
export const ENGINE_NAMES: readonly Engine[] = Object.freeze(Object.keys(descriptors) as Engine[]);
