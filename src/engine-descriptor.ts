import type { Engine, TargetSessionAttrs } from './adapter.js';
import type { RunQuery, ServerFacts } from './server-probe.js';
import type { TlsOptions, TlsSetting } from './tls-settings.js';

export type { TlsSetting } from './tls-settings.js';

/** A database that exists only inside its one connection: a second connection opens another, empty one. */
export interface SingleConnectionDatabase {
  /** The `database` value that names it: `:memory:`. */
  readonly name: string;
  /** What messages call it: "an in-memory SQLite database". */
  readonly description: string;
}

/**
 * What the config layer needs to know about one engine, without loading its adapter or driver:
 * URL schemes and query rules, the default port, the options that locate a server. Each engine's
 * descriptor lives with its adapter (`adapters/<engine>/<engine>-descriptor.ts`), like a Kysely
 * dialect folder owns everything about its backend; `src/config` asks it and never switches on the
 * engine name.
 */
export interface EngineDescriptor {
  readonly engine: Engine;
  /** A file database (SQLite): no host, port, user, password or TLS; `database` is a path. */
  readonly file: boolean;
  /** Other names people write for the engine (its driver package, other tools' names), for "did you mean": `pg`, `psql`. */
  readonly nameSynonyms: readonly string[];
  /** URL schemes it accepts, e.g. `postgres` and `postgresql`. */
  readonly urlSchemes: readonly string[];
  /** An example URL, shown in messages. */
  readonly urlExample: string;
  /** Filled in when no port is given, so the resolved settings (and `unipool doctor`) show the real one. */
  readonly defaultPort: number | undefined;
  /** Driver options that say where to connect instead of `host` (documented per engine). */
  readonly locationOptions: readonly string[];
  /** The URL path may contain "/" (an Oracle service name) rather than be just a database name. */
  readonly slashInUrlPath: boolean;
  /**
   * How a URL query value becomes a driver option, as the engine's own URL parser does: kept a
   * string (pg, which needs strings for startup parameters), or read as JSON when it is JSON.
   */
  readonly urlValues: 'string' | 'json';
  /**
   * Several servers per database: `hosts`, and URLs listing them (`scheme://h1:p1,h2:p2/db`). The
   * core tries them in order for each new connection; the adapter only ever connects to one.
   */
  readonly multiHost: boolean;
  /** The `targetSessionAttrs` values the adapter can check (`['any']` when it cannot tell servers apart). */
  readonly targetSessionAttrs: readonly TargetSessionAttrs[];
  /** `?host=` names a Unix socket directory when the URL itself has no host (libpq's rule). */
  readonly hostInUrlQuery: boolean;
  /**
   * What a TLS query parameter means (`sslmode=require`), `undefined` when `key` is not one, or a
   * message when the value is not supported. `?ssl=true|false|{…}` is common to every server engine.
   */
  readTlsParameter(key: string, value: string): { readonly ssl: TlsSetting } | { readonly problem: string } | undefined;
  /**
   * A message when the driver cannot honour these TLS settings for `host` (Oracle Thin always
   * checks the certificate chain, so it has no `require`), else undefined. Asked for every `ssl`
   * with a mode.
   */
  refusedTls(ssl: TlsOptions, host: string | undefined): string | undefined;
  /** What `database` names, in messages: "the database name", or for SQLite 'a file path or ":memory:"'. */
  readonly databaseDescription: string;
  /**
   * A database that lives inside its one connection (SQLite's `:memory:`), for which the pool keeps
   * exactly one connection and never closes it; `undefined` for every server engine.
   */
  readonly singleConnectionDatabase: SingleConnectionDatabase | undefined;
  /**
   * Why this engine cannot enforce `statementTimeoutMs` (then a limit above 0 is a config error);
   * undefined for every engine that can.
   */
  readonly statementTimeoutUnsupported?: string;
  /** A message when the driver would misread `database` (SQLite `file:` URIs), else undefined. */
  refusedDatabase(database: string): string | undefined;
  /**
   * A file database's URL path — what follows `scheme:`, without the query — as the file path still
   * percent-encoded (`//:memory:` → `:memory:`, `///abs.db` → `/abs.db`), or why it is not one. Only
   * asked when `file` is true.
   */
  readFileUrlPath(path: string): { readonly path: string } | { readonly problem: string };
  /** A message for a query parameter the engine refuses in a URL (PostgreSQL's certificate file paths), else undefined. */
  refusedUrlParameter(key: string): string | undefined;
  /** What `unipool doctor` reports about the server behind `query`: version, connection limit, idle timeout. */
  probeServer(query: RunQuery): Promise<ServerFacts>;
}
