import type { EngineDescriptor } from '../../src/engine-descriptor.js';
import { probeSqlite } from './sqlite-server-facts.js';

/** SQLite's in-memory database name: each connection to it opens its own empty database. */
export const MEMORY_DATABASE = ':memory:';

/** What the config layer knows about SQLite: a file database, `sqlite:` URLs, `:memory:`, no `file:` URIs. */
export const sqliteDescriptor: EngineDescriptor = Object.freeze({
  engine: 'sqlite',
  file: true,
  nameSynonyms: ['sqlite3', 'better-sqlite3'],
  urlSchemes: ['sqlite'],
  urlExample: 'sqlite:./path/to/file.db, sqlite:/absolute/path.db or sqlite::memory:',
  defaultPort: undefined,
  locationOptions: [],
  slashInUrlPath: true,
  urlValues: 'json',
  multiHost: false,
  targetSessionAttrs: Object.freeze(['any'] as const),
  hostInUrlQuery: false,
  databaseDescription: `a file path or "${MEMORY_DATABASE}"`,
  singleConnectionDatabase: Object.freeze({ name: MEMORY_DATABASE, description: 'an in-memory SQLite database' }),
  statementTimeoutUnsupported:
    'better-sqlite3 runs each statement synchronously on the calling thread and nothing can interrupt it; keep statements short (LIMIT, smaller batches); waits for a lock are bounded by options.timeout',
  refusedDatabase(database: string) {
    return /^file:/i.test(database)
      ? `SQLite URI filenames ("file:…") are not supported: better-sqlite3 is built without URI support and would create a file with that literal name — use a plain path or "${MEMORY_DATABASE}"`
      : undefined;
  },
  readFileUrlPath(path: string) {
    if (!path.startsWith('//')) return { path };
    // sqlite://:memory:, sqlite:///abs/path.db (empty authority) or sqlite://localhost/abs/path.db.
    const afterSlashes = path.slice(2);
    if (afterSlashes === MEMORY_DATABASE || afterSlashes.startsWith('/')) return { path: afterSlashes };
    if (afterSlashes.startsWith('localhost/')) return { path: afterSlashes.slice('localhost'.length) };
    return { problem: 'a sqlite URL has no host — write sqlite:relative/path.db, sqlite:/absolute/path.db or sqlite:///absolute/path.db' };
  },
  readTlsParameter: () => undefined,
  refusedTls: () => undefined,
  refusedUrlParameter: () => undefined,
  probeServer: probeSqlite,
});
