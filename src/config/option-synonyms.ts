import { descriptors, ENGINE_NAMES } from '../engine-descriptors.js';

/**
 * Names other pools and drivers use for unipool's options, so a config ported from pg.Pool,
 * mysql2, generic-pool, knex, HikariCP, SQLAlchemy or TypeORM gets a precise "did you mean".
 * Keys are compared case-insensitively.
 */
export const OPTION_SYNONYMS = {
  database: {
    hostname: 'host', server: 'host', username: 'user', login: 'user', pass: 'password', passwd: 'password', pwd: 'password',
    db: 'database', dbname: 'database', databaseName: 'database', filename: 'database', file: 'database', path: 'database',
    connectionString: 'url', connectionUri: 'url', connectionUrl: 'url', uri: 'url', dsn: 'url',
    driver: 'engine', dialect: 'engine', client: 'engine', type: 'engine', backend: 'engine',
    tls: 'ssl', sslmode: 'ssl', pooling: 'pool', poolOptions: 'pool', poolConfig: 'pool', releasePolicy: 'release',
    connection: 'options', connectionOptions: 'options', driverOptions: 'options', dialectOptions: 'options',
  },
  pool: {
    connectionLimit: 'max', poolMax: 'max', poolSize: 'max', size: 'max', maxPoolSize: 'max', maximumPoolSize: 'max', limit: 'max',
    poolMin: 'min', minIdle: 'min', minimumIdle: 'min', minPoolSize: 'min',
    connectionTimeoutMillis: 'acquireTimeoutMs', connectionTimeout: 'acquireTimeoutMs', timeout: 'acquireTimeoutMs',
    poolTimeout: 'acquireTimeoutMs', pool_timeout: 'acquireTimeoutMs', acquireTimeoutMillis: 'acquireTimeoutMs', waitTimeout: 'acquireTimeoutMs',
    queueLimit: 'maxWaiting', maxQueue: 'maxWaiting', maxQueueSize: 'maxWaiting', maxWaitingClients: 'maxWaiting', queueMax: 'maxWaiting',
    idleTimeoutMillis: 'idleTimeoutMs', idleTimeout: 'idleTimeoutMs', idle: 'idleTimeoutMs',
    maxLifetime: 'maxLifetimeMs', maxLifetimeSeconds: 'maxLifetimeMs', maxConnLifetime: 'maxLifetimeMs', connMaxLifetime: 'maxLifetimeMs',
    poolRecycle: 'maxLifetimeMs', pool_recycle: 'maxLifetimeMs', maxAge: 'maxLifetimeMs',
    maxUsage: 'maxUses', maxUsesPerConnection: 'maxUses',
    testOnBorrow: 'validateAfterIdleMs', validateOnBorrow: 'validateAfterIdleMs', prePing: 'validateAfterIdleMs', pool_pre_ping: 'validateAfterIdleMs',
    connectTimeout: 'connectTimeoutMs', connectTimeoutMillis: 'connectTimeoutMs', createTimeoutMillis: 'connectTimeoutMs',
    fifo: 'order', lifo: 'order', leakDetectionThreshold: 'leakDetectionMs', leakDetection: 'leakDetectionMs',
  },
  // Each engine's other names live in its descriptor.
  engine: Object.fromEntries(ENGINE_NAMES.flatMap((engine) => descriptors[engine].nameSynonyms.map((name) => [name, engine]))),
  release: { statement: 'asap', transaction: 'asap', immediate: 'asap', session: 'request', scope: 'request' },
} as const satisfies Record<string, Record<string, string>>;
