import type { EngineDescriptor } from '../../src/engine-descriptor.js';
import { probeMysql } from './mysql-server-facts.js';

const SSL_MODE = new Map<string, boolean>([['DISABLED', false], ['REQUIRED', true], ['VERIFY_CA', true], ['VERIFY_IDENTITY', true]]);
const SSL_MODE_KEYS = new Set(['ssl-mode', 'sslMode', 'sslmode']);

/** What the config layer knows about MySQL/MariaDB: `mysql://` and `mariadb://` URLs, `ssl-mode`, `options.socketPath`. */
export const mysqlDescriptor: EngineDescriptor = Object.freeze({
  engine: 'mysql',
  file: false,
  nameSynonyms: ['mariadb', 'mysql2'],
  urlSchemes: ['mysql', 'mariadb'],
  urlExample: 'mysql://user:password@host:3306/database',
  defaultPort: 3306,
  locationOptions: ['socketPath'],
  slashInUrlPath: false,
  urlValues: 'json',
  multiHost: true,
  targetSessionAttrs: Object.freeze(['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby'] as const),
  hostInUrlQuery: false,
  databaseDescription: 'the database name',
  singleConnectionDatabase: undefined,
  refusedDatabase: () => undefined,
  readFileUrlPath: (path: string) => ({ path }),
  readTlsParameter(key: string, value: string) {
    if (!SSL_MODE_KEYS.has(key)) return undefined;
    const ssl = SSL_MODE.get(value.toUpperCase());
    return ssl === undefined ? { problem: `${key}=${value} is not supported — use DISABLED, REQUIRED or VERIFY_IDENTITY; mysql2 cannot fall back to an unencrypted connection` } : { ssl };
  },
  refusedUrlParameter: () => undefined,
  probeServer: probeMysql,
});
