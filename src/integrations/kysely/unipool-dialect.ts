import {
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
} from 'kysely';
import { coreOf, type Database } from '../../database.js';
import { UnipoolError } from '../../errors.js';
import { UnipoolDriver } from './unipool-driver.js';

/** Options of `new UnipoolDialect()`. */
export interface UnipoolDialectConfig {
  /** The unipool database Kysely runs on (`dbs.default`). */
  readonly database: Database;
}

/** Kysely's own pieces for one engine. */
interface EngineParts {
  adapter(): DialectAdapter;
  compiler(): QueryCompiler;
  introspector(db: Kysely<unknown>): DatabaseIntrospector;
}

const PARTS: Readonly<Record<string, EngineParts>> = {
  postgres: { adapter: () => new PostgresAdapter(), compiler: () => new PostgresQueryCompiler(), introspector: (db) => new PostgresIntrospector(db) },
  mysql: { adapter: () => new MysqlAdapter(), compiler: () => new MysqlQueryCompiler(), introspector: (db) => new MysqlIntrospector(db) },
  sqlite: { adapter: () => new SqliteAdapter(), compiler: () => new SqliteQueryCompiler(), introspector: (db) => new SqliteIntrospector(db) },
};

/**
 * A Kysely dialect whose driver is unipool, for PostgreSQL, MySQL/MariaDB and SQLite: Kysely's own
 * adapter, query compiler and introspector for the engine, and every statement through the
 * database's pool — its limits, release policy, leak detection, metrics and error codes.
 * @example const kysely = new Kysely<DB>({ dialect: new UnipoolDialect({ database: dbs.default }) });
 */
export class UnipoolDialect implements Dialect {
  readonly #database: Database;
  readonly #parts: EngineParts;

  constructor(config: UnipoolDialectConfig) {
    const database = config?.database;
    if (database === undefined || database === null || typeof database.atomic !== 'function') {
      throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', 'new UnipoolDialect({ database }): database must be a unipool database, e.g. dbs.default');
    }
    const parts = PARTS[database.engine];
    if (parts === undefined) throw new UnipoolError('UNIPOOL_UNSUPPORTED', `unipool/kysely: engine "${database.engine}" has no Kysely dialect here (supported: postgres, mysql, sqlite)`);
    this.#database = database;
    this.#parts = parts;
  }

  createDriver(): Driver {
    return new UnipoolDriver(coreOf(this.#database));
  }

  createQueryCompiler(): QueryCompiler {
    return this.#parts.compiler();
  }

  createAdapter(): DialectAdapter {
    return this.#parts.adapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return this.#parts.introspector(db);
  }
}
