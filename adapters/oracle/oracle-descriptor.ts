import type { EngineDescriptor } from '../../src/engine-descriptor.js';
import { TLS_MODES, TLS_PEM_FIELDS, type TlsMode, type TlsOptions } from '../../src/tls-settings.js';
import { probeOracle } from './oracle-server-facts.js';

// Easy Connect's own spelling: ssl_server_dn_match=on checks the host name, off only the chain.
const DN_MATCH = new Map<string, TlsMode>([['yes', 'verify-full'], ['on', 'verify-full'], ['true', 'verify-full'], ['no', 'verify-ca'], ['off', 'verify-ca'], ['false', 'verify-ca']]);

function readOracleTlsParameter(key: string, value: string): { readonly ssl: TlsOptions } | { readonly problem: string } | undefined {
  if (key === 'sslmode') {
    const mode = TLS_MODES.find((known) => known === value);
    return mode === undefined ? { problem: `sslmode=${value} is not supported — use disable, verify-ca or verify-full (oracledb Thin always checks the certificate chain)` } : { ssl: Object.freeze({ mode }) };
  }
  if (key === 'ssl_server_dn_match') {
    const mode = DN_MATCH.get(value.toLowerCase());
    return mode === undefined ? { problem: `ssl_server_dn_match=${value} is not supported — use yes or no` } : { ssl: Object.freeze({ mode }) };
  }
  return undefined;
}

/**
 * oracledb Thin opens TLS with the chain always checked (rejectUnauthorized is fixed to true), and
 * reads trust anchors and client certificates only from a PEM wallet, which must hold a private key.
 */
function refusedOracleTls(ssl: TlsOptions): string | undefined {
  if (ssl.mode === 'require') return 'mode "require" is not supported by oracledb Thin, which always checks the certificate chain — use "verify-ca" (chain only) or "verify-full"';
  const pem = TLS_PEM_FIELDS.filter((field) => ssl[field] !== undefined);
  if (pem.length > 0) return `${pem.map((field) => `"${field}"`).join(', ')} not supported by oracledb Thin — put the certificates in a PEM wallet and set options.walletLocation (or options.walletContent)`;
  return undefined;
}

/** What the config layer knows about Oracle: `oracle://` URLs whose path is a service name, or `options.connectString`. */
export const oracleDescriptor: EngineDescriptor = Object.freeze({
  engine: 'oracle',
  file: false,
  nameSynonyms: ['oracledb'],
  urlSchemes: ['oracle'],
  urlExample: 'oracle://user:password@host:1521/service',
  defaultPort: 1521,
  locationOptions: ['connectString', 'connectionString'],
  slashInUrlPath: true,
  urlValues: 'json',
  multiHost: false,
  targetSessionAttrs: Object.freeze(['any'] as const),
  hostInUrlQuery: false,
  databaseDescription: 'the service name',
  singleConnectionDatabase: undefined,
  refusedDatabase: () => undefined,
  readFileUrlPath: (path: string) => ({ path }),
  readTlsParameter: readOracleTlsParameter,
  refusedTls: refusedOracleTls,
  refusedUrlParameter: () => undefined,
  probeServer: probeOracle,
});
