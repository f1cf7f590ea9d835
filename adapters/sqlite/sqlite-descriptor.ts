import type { EngineDescriptor } from '../../src/engine-descriptor.js';
import { probeSqlite } from './sqlite-server-facts.js';

/** What the config layer knows about SQLite: a file database, `sqlite:` URLs. */
export const sqliteDescriptor: EngineDescriptor = Object.freeze({
  engine: 'sqlite',
  file: true,
  urlSchemes: ['sqlite'],
  urlExample: 'sqlite:./path/to/file.db, sqlite:/absolute/path.db or sqlite::memory:',
  defaultPort: undefined,
  locationOptions: [],
  slashInUrlPath: true,
  urlValues: 'json',
  hostInUrlQuery: false,
  readTlsParameter: () => undefined,
  refusedUrlParameter: () => undefined,
  probeServer: probeSqlite,
});
