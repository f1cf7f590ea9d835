import { isPasswordFunctionFailure } from './connect-with-password.js';
import type { Adapter } from './adapter.js';
import { describeValue } from './config/describe-value.js';
import { resolveConfig } from './config/resolve-config.js';
import type { CheckedConfig } from './config/checked-config.js';
import type { DatabasesConfig } from './config/databases-config.js';
import type { ResolvedDatabaseConfig } from './config/resolved-config.js';
import { Database } from './database.js';
import { DatabaseCore } from './database-core.js';
import { adapters } from './engines.js';
import { UnipoolError, type ErrorCode } from './errors.js';
import { defaultLogger, type Logger } from './logger.js';
import type { PoolStats } from './metrics/pool-stats.js';
import { DiagnosticsObserver } from './metrics/diagnostics-observer.js';
import { poolSource, registerPoolSource } from './metrics/pool-sources.js';
import { prometheusText } from './metrics/prometheus-text.js';
import { createPoolEngine } from './pool/create-pool-engine.js';
import type { PoolEngine } from './pool/pool-engine.js';
import { replicaDatabaseConfigs } from './replicas/replica-configs.js';
import { ReplicaMember } from './replicas/replica-member.js';
import { runScope, scopeMiddleware, type Middleware } from './transaction/scope.js';
import { connectToHosts, isPermanentConnectFailure } from './topology/connect-to-hosts.js';
import { needsSessionAttributes } from './topology/target-session-attrs.js';

/** Options of `createDatabases()` beyond the config itself. */
export interface CreateDatabasesOptions {
  /** Where warnings go (onCommit errors, leaks, cleanup failures). Default: `process.emitWarning`. */
  readonly logger?: Logger;
}

/** The registry returned by `createDatabases()`: one `Database` per alias, plus these members. */
export class DatabaseRegistry {
  readonly #databases: ReadonlyMap<string, Database>;
  readonly #logger: Logger;
  #closing: Promise<void> | undefined;

  /** @internal */
  constructor(databases: ReadonlyMap<string, Database>, logger: Logger) {
    this.#databases = databases;
    this.#logger = logger;
    for (const [alias, db] of databases) Object.defineProperty(this, alias, { value: db, enumerable: true });
  }

  /** The database configured under `alias`; an unknown alias throws `UNIPOOL_UNKNOWN_DATABASE`. */
  get(alias: string): Database {
    const db = this.#databases.get(alias);
    if (db === undefined) {
      const known = [...this.#databases.keys()];
      throw new UnipoolError('UNIPOOL_UNKNOWN_DATABASE', `unipool: no database ${describeValue(alias)} is configured (configured: ${known.join(', ')})`);
    }
    return db;
  }

  /** True when `alias` is configured. */
  has(alias: string): boolean {
    return this.#databases.has(alias);
  }

  /** The configured aliases, in config order. */
  get aliases(): string[] {
    return [...this.#databases.keys()];
  }

  /** `stats()` of every pool. */
  stats(): PoolStats[] {
    return [...this.#databases.values()].map((db) => db.stats());
  }

  /**
   * Every pool's metrics in the Prometheus text exposition format (version 0.0.4), with the
   * OpenTelemetry connection-pool names (`db_client_connection_*`), labelled by `pool`, `engine` and `role` (and `replica` on a read replica's series).
   * Serve it with the content type `text/plain; version=0.0.4`.
   * @example app.get('/metrics', (_req, res) => res.type('text/plain; version=0.0.4').send(dbs.metrics()));
   */
  metrics(): string {
    return prometheusText([...this.#databases.values()].flatMap((db) => [poolSource(db), ...db.replicaDatabases().map((replica) => poolSource(replica))]));
  }

  /**
   * Runs `fn` as one request scope: a manual transaction may hold its connection across statements,
   * and with `release: 'request'` the scope's first statement acquires the connection it keeps.
   * Everything held is released when `fn` settles.
   */
  scope<T>(fn: () => T | Promise<T>): Promise<T> {
    if (typeof fn !== 'function') return Promise.reject(new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `dbs.scope(): expected a function, got ${fn === null ? 'null' : typeof fn}`));
    return runScope(this.#databases.values(), fn);
  }

  /** Connect/Express middleware: one scope per request, ended when the response finishes or closes. */
  middleware(): Middleware {
    return scopeMiddleware(this.#databases.values(), this.#logger);
  }

  /**
   * Graceful shutdown: new work is rejected with `UNIPOOL_POOL_CLOSED`, checked-out connections get
   * `timeoutMs` to come back, then the rest are closed by force. Idempotent.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    // A close() rejected for its arguments (UNIPOOL_INVALID_ARGUMENT) changed nothing: forget it, so
    // a later, valid close() still closes the pools.
    this.#closing ??= Promise.all([...this.#databases.values()].map((db) => db.close(options))).then(
      () => undefined,
      (error: unknown) => {
        this.#closing = undefined;
        throw error;
      },
    );
    return this.#closing;
  }
}

/** The registry with one typed property per configured alias. */
export type Databases<Alias extends string = string> = DatabaseRegistry & { readonly [K in Alias]: Database };

/**
 * unipool's own errors from a connect that no retry can fix: a missing driver package (the adapter
 * never got to connect), driver options it refuses. The rest the adapter classifies by its
 * driver's codes.
 */
const PERMANENT_CONNECT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['UNIPOOL_DRIVER_MISSING', 'UNIPOOL_UNSUPPORTED', 'UNIPOOL_INVALID_ARGUMENT', 'UNIPOOL_CONFIG_INVALID']);

/**
 * How long one `create()` may take: `connectTimeoutMs` per host tried, twice that when each fresh
 * connection's server is also checked (`targetSessionAttrs`); undefined for one host and no target.
 */
function createTimeoutMs(config: ResolvedDatabaseConfig): number | undefined {
  const hosts = config.connection.hosts?.length ?? 1;
  const checked = needsSessionAttributes(config.connection.targetSessionAttrs ?? 'any');
  return hosts === 1 && !checked ? undefined : hosts * config.pool.connectTimeoutMs * (checked ? 2 : 1);
}

/**
 * One `Database` for `config`, with one more for each of its read replicas: a replica is the same
 * engine and release policy over its own pool, its connection settings and pool options resolved
 * with the primary's as defaults.
 */
function openDatabase(config: ResolvedDatabaseConfig, logger: Logger): Database {
  const members = replicaDatabaseConfigs(config).map((replica) => {
    const { database, core } = openPool(replica.config, logger, replica.name);
    return new ReplicaMember(database, core, replica.name, () => performance.now());
  });
  return openPool(config, logger, undefined, members).database;
}

/** The pool engine, core and `Database` of one server: the primary (`replica` undefined) or a read replica. */
function openPool(config: ResolvedDatabaseConfig, logger: Logger, replica: string | undefined, members: readonly ReplicaMember[] = []): { database: Database; core: DatabaseCore } {
  const adapter: Adapter<unknown> = adapters[config.engine];
  const isPermanent = (error: unknown): boolean => (error instanceof UnipoolError && PERMANENT_CONNECT_CODES.has(error.code)) || isPasswordFunctionFailure(error) || adapter.connectFailureKind(error) === 'permanent';
  const timeoutMs = createTimeoutMs(config);
  // eslint-disable-next-line prefer-const -- the factory closes over the core built from the engine
  let core: DatabaseCore;
  const observer = new DiagnosticsObserver({
    alias: config.alias,
    engine: config.engine,
    acquireTimeoutMs: config.pool.acquireTimeoutMs,
    leakDetectionMs: config.pool.leakDetectionMs,
    logger,
    // Read only when an acquire times out with a subscriber listening, long after `engine` is set.
    numbers: (): PoolStats => engine.stats(),
  });
  const engine: PoolEngine<unknown> = createPoolEngine<unknown>({
    alias: config.alias,
    engine: config.engine,
    ...(replica === undefined ? {} : { role: 'replica' as const, replica }),
    pool: config.pool,
    observer,
    logger,
    factory: {
      async create() {
        // onBroken fires only after connect() resolved (an idle connection dying), so `opened.raw` is set.
        const opened: { raw?: unknown } = {};
        const connection = await connectToHosts(adapter, config.connection, {
          timeoutMs: config.pool.connectTimeoutMs,
          onBroken: () => core.markBroken(opened.raw),
          ...(config.statementCacheSize === undefined ? {} : { statementCacheSize: config.statementCacheSize }),
          ...(config.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: config.statementTimeoutMs }),
          pipeline: config.pipeline,
        });
        opened.raw = connection.raw;
        core.servers.add(connection.raw, connection.server);
        return opened.raw;
      },
      destroy: (raw) => {
        core.servers.remove(raw);
        return adapter.close(raw);
      },
      ping: (raw) => adapter.ping(raw),
      isPermanentFailure: (error) => isPermanentConnectFailure(error, isPermanent),
      ...(timeoutMs === undefined ? {} : { createTimeoutMs: timeoutMs }),
    },
  });
  core = new DatabaseCore(config, adapter, engine, logger);
  const database = new Database(core, members);
  registerPoolSource(database, engine);
  return { database, core };
}

/**
 * Validates the whole config (throwing `ConfigError` listing every problem) and returns one pool per
 * alias. Synchronous: connections open lazily, or warm up to `min` in the background.
 *
 * @example
 * const dbs = createDatabases({ default: { engine: 'postgres', url: process.env.DATABASE_URL } });
 * const { rows } = await dbs.default.query('SELECT 1 AS one');
 */
export function createDatabases<const Config extends DatabasesConfig>(config: Config & NoInfer<CheckedConfig<Config>>, options: CreateDatabasesOptions = {}): Databases<Exclude<keyof Config, '$schema'> & string> {
  const logger = options.logger ?? defaultLogger;
  const databases = new Map<string, Database>();
  for (const resolved of resolveConfig(config)) databases.set(resolved.alias, openDatabase(resolved, logger));
  return new DatabaseRegistry(databases, logger) as Databases<Exclude<keyof Config, '$schema'> & string>;
}
