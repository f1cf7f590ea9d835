import { isIP } from 'node:net';
import type { EngineDescriptor } from '../../src/engine-descriptor.js';
import type { TlsMode, TlsOptions } from '../../src/tls-settings.js';
import { probeMysql } from './mysql-server-facts.js';

const tls = (mode: TlsMode): TlsOptions => Object.freeze({ mode });
// MySQL's --ssl-mode names (upper-cased), and libpq's, which unipool's `ssl.mode` uses: one URL
// can be written either way.
const SSL_MODE = new Map<string, TlsOptions>([
  ['DISABLED', tls('disable')], ['REQUIRED', tls('require')], ['VERIFY_CA', tls('verify-ca')], ['VERIFY_IDENTITY', tls('verify-full')],
  ['DISABLE', tls('disable')], ['REQUIRE', tls('require')], ['VERIFY-CA', tls('verify-ca')], ['VERIFY-FULL', tls('verify-full')],
]);
const SSL_MODE_KEYS = new Set(['ssl-mode', 'sslMode', 'sslmode']);

/**
 * mysql2 checks the server's identity only against a host name: for an IP address it sends no
 * server name and Node then matches the certificate against "localhost" — a wrong answer either way.
 */
const VERIFY_FULL_BY_IP = 'mode "verify-full" needs a host name with mysql2, which cannot check a certificate against an IP address — connect by the name in the server certificate, or use "verify-ca" (chain only)';

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
    return ssl === undefined ? { problem: `${key}=${value} is not supported — use DISABLED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY; mysql2 cannot fall back to an unencrypted connection, so PREFERRED does not exist here` } : { ssl };
  },
  refusedTls: (ssl: TlsOptions, host: string | undefined) => (ssl.mode === 'verify-full' && host !== undefined && isIP(host) !== 0 ? VERIFY_FULL_BY_IP : undefined),
  refusedUrlParameter: () => undefined,
  probeServer: probeMysql,
});
