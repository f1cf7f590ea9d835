// generated — do not edit. Source: schema/databases.schema.json; regenerate with:
//   npx tsx scripts/gen-config-types.ts

/**
 * unipool databases: an object of aliases, each a database configuration. The alias "default" is required (it is what `dbs.default` returns). Reference this file from "$schema" for editor completion.
 */
export interface DatabasesConfig {
  /**
   * The JSON Schema this file follows, for editors (e.g. "./node_modules/unipool/schema/databases.schema.json"). Ignored by unipool.
   */
  $schema?: string;
  default: DatabaseConfig;
  [k: string]: DatabaseConfig | string | undefined;
}
/**
 * One database: its engine, where to connect (a `url`, or `host`/`port`/`database`/`user`/`password`, or for SQLite a file `database`), driver options, the release policy and the pool.
 */
export interface DatabaseConfig {
  /**
   * The database engine: "postgres" (driver pg), "mysql" (mysql2; also MariaDB), "sqlite" (better-sqlite3) or "oracle" (oracledb, Thin mode).
   */
  engine: 'postgres' | 'mysql' | 'sqlite' | 'oracle';
  /**
   * Connection URL: postgres:// or postgresql://, mysql:// or mariadb://, sqlite:<path> or sqlite::memory:, oracle://user:password@host:1521/service. Cannot be combined with host, port, database or user; `password` may be given separately when the URL has none. Query parameters become driver options (sslmode/ssl set `ssl`).
   */
  url?: string;
  /**
   * Server host name or IP address (PostgreSQL also accepts a Unix socket directory). Required for postgres, mysql and oracle unless `url` is given; not used by sqlite.
   */
  host?: string;
  /**
   * Server port. Default: 5432 (postgres), 3306 (mysql), 1521 (oracle). Not used by sqlite.
   */
  port?: number;
  /**
   * Database name (Oracle: the service name). For sqlite: the file path (relative to the working directory) or ":memory:".
   */
  database?: string;
  /**
   * User name. Not used by sqlite.
   */
  user?: string;
  /**
   * Password. Never printed: it is redacted from every message and hidden from JSON.stringify and util.inspect. Not used by sqlite.
   */
  password?: string;
  /**
   * TLS: true to require TLS with certificate verification, false for none, or an object passed to the driver's TLS options (e.g. { "ca": "…", "rejectUnauthorized": true }). Not used by sqlite.
   */
  ssl?:
    | boolean
    | {
        [k: string]: unknown | undefined;
      };
  /**
   * Extra options passed to the driver as-is (documented per engine), e.g. { "application_name": "api" } for pg or { "timeout": 5000 } for better-sqlite3.
   */
  options?: {
    [k: string]: unknown | undefined;
  };
  /**
   * When a connection goes back to the pool: "asap" (after each statement outside a transaction, session or cursor) or "request" (at the end of the request scope, like a plain pool).
   */
  release?: 'asap' | 'request';
  /**
   * How 64-bit integers come back (PostgreSQL int8 such as count(*), MySQL BIGINT, every SQLite INTEGER): "number" (a JS number; a value beyond ±(2^53−1) throws UNIPOOL_VALUE_OUT_OF_RANGE naming the column, never a rounded number), "string" (decimal text) or "bigint" (a JS BigInt). Never silently rounded.
   */
  int64?: 'number' | 'string' | 'bigint';
  /**
   * Prepared statements kept per connection, least recently used evicted first; 0 turns the cache off. Default per engine: 100 on postgres (named prepared statements, only for statements with parameters; set 0 behind PgBouncer older than 1.21 in transaction mode), 100 on sqlite (better-sqlite3 Statement objects), 0 on mysql (server-side prepared statements through mysql2 execute() when above 0), and oracledb's own default (30) on oracle (its stmtCacheSize).
   */
  statementCacheSize?: number;
  /**
   * PostgreSQL: statements outside a transaction may share a connection while earlier ones are still running (one Sync each, so an error fails only its own statement), but only a statement seen running alone on that connection from the statement cache without changing transaction or session state; everything else runs alone. Needs statementCacheSize above 0, and no pg query_timeout in options. false runs every statement alone. Other engines have no pipelining: the option is accepted and changes nothing there.
   */
  pipeline?: boolean;
  pool?: PoolConfig;
}
/**
 * The backend-agnostic pool options. Durations are in milliseconds and end in `Ms`.
 */
export interface PoolConfig {
  /**
   * Connections kept open even when idle.
   */
  min?: number;
  /**
   * Upper limit of open connections (in use and idle). An in-memory SQLite database allows exactly 1.
   */
  max?: number;
  /**
   * Longest wait for a free connection before UNIPOOL_ACQUIRE_TIMEOUT. There is deliberately no "wait forever".
   */
  acquireTimeoutMs?: number;
  /**
   * Most callers allowed to wait for a connection; beyond it UNIPOOL_QUEUE_FULL is thrown at once. null = unlimited, 0 = never wait.
   */
  maxWaiting?: number | null;
  /**
   * Close connections (above `min`) idle this long. 0 = never.
   */
  idleTimeoutMs?: number;
  /**
   * Retire connections this old (with a little jitter; never while in use). 0 = no limit.
   */
  maxLifetimeMs?: number;
  /**
   * Retire a connection after this many checkouts. 0 = no limit.
   */
  maxUses?: number;
  /**
   * On borrow, ping a connection first if it has been idle longer than this. 0 = ping on every borrow.
   */
  validateAfterIdleMs?: number;
  /**
   * Longest time for one connection attempt before UNIPOOL_CONNECT_TIMEOUT.
   */
  connectTimeoutMs?: number;
  /**
   * Which idle connection is handed out next: "lifo" (most recently used, lets extra connections idle out) or "fifo" (spreads use evenly).
   */
  order?: 'lifo' | 'fifo';
  /**
   * Report a lease held longer than this, with the stack that acquired it. 0 = off.
   */
  leakDetectionMs?: number;
}
