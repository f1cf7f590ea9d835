import type { Adapter, Engine } from './adapter.js';
import { mysqlAdapter } from '../adapters/mysql/index.js';
import { oracleAdapter } from '../adapters/oracle/index.js';
import { postgresAdapter } from '../adapters/postgres/index.js';
import { sqliteAdapter } from '../adapters/sqlite/index.js';

/**
 * The adapter of each engine. Importing an adapter is cheap: each loads its driver package only when
 * its first connection opens.
 */
export const adapters: Readonly<Record<Engine, Adapter<unknown>>> = Object.freeze({
  postgres: postgresAdapter as Adapter<unknown>,
  mysql: mysqlAdapter as Adapter<unknown>,
  sqlite: sqliteAdapter as Adapter<unknown>,
  oracle: oracleAdapter as Adapter<unknown>,
} satisfies Record<Engine, Adapter<unknown>>);
