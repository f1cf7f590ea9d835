import type { EngineDescriptor, TlsSetting } from '../../src/engine-descriptor.js';
import { probePostgres } from './postgres-server-facts.js';

const FILE_PARAMETERS = new Set(['sslcert', 'sslkey', 'sslrootcert', 'sslpassword', 'sslcrl']);
// A Map, not an object literal: a value such as "constructor" must not find Object.prototype members.
// libpq's names, plus pg's own `no-verify`, which means what libpq calls `require`.
const SSLMODE = new Map<string, TlsSetting>([
  ['disable', Object.freeze({ mode: 'disable' })],
  ['require', Object.freeze({ mode: 'require' })],
  ['no-verify', Object.freeze({ mode: 'require' })],
  ['verify-ca', Object.freeze({ mode: 'verify-ca' })],
  ['verify-full', Object.freeze({ mode: 'verify-full' })],
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
      ? { problem: `sslmode=${value} is not supported — use disable, require (TLS, certificate not checked), verify-ca or verify-full; pg cannot fall back to an unencrypted connection, so prefer and allow do not exist here` }
      : { ssl };
  },
  refusedTls: () => undefined,
  refusedUrlParameter(key: string) {
    return FILE_PARAMETERS.has(key) ? `query parameter "${key}" is not supported — read the file yourself and pass its content in "ssl" (e.g. "ssl": { "ca": … })` : undefined;
  },
  probeServer: probePostgres,
});
