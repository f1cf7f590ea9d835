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
   * Several servers of one database (a primary and its standbys, or a cluster's nodes), tried in order for every new connection, as libpq does: the first one that accepts the connection and matches `targetSessionAttrs` is used. Instead of `host`/`port` (a URL lists them as `postgres://h1:5432,h2:5433/app`). Host names are resolved again on every connect. postgres and mysql; not used by sqlite; for oracle list the addresses in `options.connectString` (an ADDRESS_LIST).
   *
   * @minItems 1
   */
  hosts?: [HostConfig, ...HostConfig[]];
  /**
   * Which server a new connection must reach, with libpq's meanings: "any" (the first that answers), "read-write" (accepts writes), "read-only" (does not), "primary" (not a standby), "standby" (a hot standby), "prefer-standby" (a standby if any host is one, else any). Also read from a URL as `target_session_attrs=`. MySQL/MariaDB: read-only means `@@read_only`/`@@innodb_read_only` is on, and a standby is a read-only server. Oracle: only "any".
   */
  targetSessionAttrs?: 'any' | 'read-write' | 'read-only' | 'primary' | 'standby' | 'prefer-standby';
  /**
   * Database name (Oracle: the service name). For sqlite: the file path (relative to the working directory) or ":memory:".
   */
  database?: string;
  /**
   * User name. Not used by sqlite.
   */
  user?: string;
  /**
   * Password, or (from JavaScript) a function returning it — `() => string | Promise<string>` — called for every new connection, for rotated secrets and cloud IAM tokens (AWS RDS, GCP Cloud SQL). Cannot be combined with a URL that has a password. Never printed: it is redacted from every message and hidden from JSON.stringify and util.inspect. Not used by sqlite.
   */
  password?: string | (() => string | Promise<string>);
  /**
   * TLS, with libpq's modes on every server engine: { "mode": "disable" | "require" | "verify-ca" | "verify-full", "ca"?, "cert"?, "key"? } — disable: no TLS; require: TLS, certificate not checked; verify-ca: certificate chain checked against `ca` (PEM text; default: the system's CAs), host name not; verify-full: chain and host name. `cert`/`key`: a client certificate for mutual TLS (PEM text). `true` means verify-full, `false` disable. An object without `mode` is the older form: passed to the driver as its own TLS options. Not used by sqlite.
   */
  ssl?:
    | boolean
    | {mode: 'disable' | 'require' | 'verify-ca' | 'verify-full'; ca?: string; cert?: string; key?: string}
    | {mode?: never; [driverOption: string]: unknown};
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
   * Longest time one statement may run, enforced by the server where it can: postgres statement_timeout (sent as a startup parameter), MariaDB max_statement_time, MySQL max_execution_time (SELECT only), oracle callTimeout. A statement that runs longer rejects with UNIPOOL_STATEMENT_TIMEOUT; when the server stopped it (postgres, MySQL/MariaDB) the connection stays usable, and one the server never answers (a black-holed network) is ended by the client 1000 ms after the limit and its connection destroyed (oracle: oracledb breaks the call, and the connection is destroyed). 0 = no limit. Not available on sqlite (a config error: nothing can interrupt a better-sqlite3 statement).
   */
  statementTimeoutMs?: number;
  /**
   * PostgreSQL and MySQL/MariaDB: statements outside a transaction may share a connection while earlier ones are still running (each answered on its own, so an error fails only its own statement), but only a statement with positional parameters seen running alone on that connection without changing transaction or session state; everything else runs alone. PostgreSQL needs statementCacheSize above 0 and no pg query_timeout in options, so it does not pipeline with statementTimeoutMs set; on MySQL the timeout's client backstop counts from each statement's turn. false runs every statement alone. SQLite and Oracle have no pipelining: the option is accepted and changes nothing there.
   */
  pipeline?: boolean;
  pool?: PoolConfig;
  /**
   * Read replicas of this database: `db.replica.query()`, `db.replica.stream()` and `db.replica.atomic()` run on one of them (round-robin over the healthy ones), and on this database when none is healthy. Each entry gives where the replica is (`url`, or `host` and `port`); everything else — user, password, database, ssl, options and pool — is inherited from this database unless the entry sets it. Each replica has its own pool. Not available on sqlite (a file database has no replicas).
   */
  replicas?: ReplicaConfig[];
}
/**
 * One server of the database: its host and, unless it is the engine's default, its port.
 */
export interface HostConfig {
  /**
   * Server host name or IP address.
   */
  host: string;
  /**
   * Server port. Default: the engine's (5432 postgres, 3306 mysql).
   */
  port?: number;
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
/**
 * One read replica: where it is (a `url`, or `host` and `port`), and what differs from its primary. Unset fields are inherited from the primary database (except the location: a `host` without `port` means the engine's default port).
 */
export interface ReplicaConfig {
  /**
   * Connection URL of the replica, same forms as the database's `url`. Cannot be combined with host, port, database or user; a database or user left out of the URL is inherited from the primary.
   */
  url?: string;
  /**
   * Replica host name or IP address. Required unless `url` is given.
   */
  host?: string;
  /**
   * Replica port. Default: the engine's default port (5432 postgres, 3306 mysql, 1521 oracle), not the primary's.
   */
  port?: number;
  /**
   * Database name on the replica. Default: the primary's.
   */
  database?: string;
  /**
   * User name on the replica. Default: the primary's.
   */
  user?: string;
  /**
   * Password on the replica. Default: the primary's. Never printed.
   */
  password?: string;
  /**
   * TLS for the replica, same forms as the database's `ssl`. Default: the primary's.
   */
  ssl?:
    | boolean
    | {
        [k: string]: unknown | undefined;
      };
  /**
   * Driver options for the replica, merged over the primary's (the replica's win).
   */
  options?: {
    [k: string]: unknown | undefined;
  };
  pool?: PoolConfig;
}
