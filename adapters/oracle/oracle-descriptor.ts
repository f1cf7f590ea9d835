import type { EngineDescriptor } from '../../src/engine-descriptor.js';
import { probeOracle } from './oracle-server-facts.js';

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
  readTlsParameter: () => undefined,
  refusedUrlParameter: () => undefined,
  probeServer: probeOracle,
});
