import type { EngineDescriptor, TlsSetting } from '../../src/engine-descriptor.js';
import { probePostgres } from './postgres-server-facts.js';

const FILE_PARAMETERS = new Set(['sslcert', 'sslkey', 'sslrootcert', 'sslpassword', 'sslcrl']);
// A Map, not an object literal: a value such as "constructor" must not find Object.prototype members.
const SSLMODE = new Map<string, TlsSetting>([
  ['disable', false],
  ['require', true],
  ['verify-ca', true],
  ['verify-full', true],
  ['no-verify', Object.freeze({ rejectUnauthorized: false })],
]);

/** What the config layer knows about PostgreSQL: `postgres://` URLs with libpq's `sslmode` and `?host=`. */
export const postgresDescriptor: EngineDescriptor = Object.freeze({
  engine: 'postgres',
  file: false,
  nameSynonyms: ['pg', 'postgresql', 'psql'],
  urlSchemes: ['postgres', 'postgresql'],
  urlExample: 'postgres://user:password@host:5432/database',
  defaultPort: 5432,
  locationOptions: [],
  slashInUrlPath: false,
  urlValues: 'string',
  multiHost: true,
  targetSessionAttrs: Object.freeze(['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby'] as const),
  hostInUrlQuery: true,
  databaseDescription: 'the database name',
  singleConnectionDatabase: undefined,
  refusedDatabase: () => undefined,
  readFileUrlPath: (path: string) => ({ path }),
  readTlsParameter(key: string, value: string) {
    if (key !== 'sslmode') return undefined;
    const ssl = SSLMODE.get(value);
    return ssl === undefined
      ? { problem: `sslmode=${value} is not supported — use disable, require (certificate verified), verify-full, or no-verify (certificate not verified); pg cannot fall back to an unencrypted connection` }
      : { ssl };
  },
  refusedUrlParameter(key: string) {
    return FILE_PARAMETERS.has(key) ? `query parameter "${key}" is not supported — read the file yourself and pass its content in "ssl" (e.g. "ssl": { "ca": … })` : undefined;
  },
  probeServer: probePostgres,
});
