import type { Capabilities } from '../../src/adapter.js';
import { oracleDescriptor } from './oracle-descriptor.js';

/** What the Oracle adapter supports; the docs' capability matrix is generated from this. */
export const oracleCapabilities: Capabilities = Object.freeze({
  transactionStateSource: 'connection.transactionInProgress (server end-of-call status), and active from begin() to commit()/rollback()',
  transactionStateAccuracy: 'exact',
  savepoints: true,
  isolationLevels: Object.freeze(['read committed', 'serializable'] as const),
  readOnlyTransactions: true,
  serverSideCursors: true,
  streamSource: 'oracledb result set (execute with resultSet: true, getRows(batchSize))',
  sessionReset: 'reconnect (Oracle has no cheap full session reset: the connection is closed and replaced)',
  sessionStateDetection: 'none: Oracle does not report session-state changes (ALTER SESSION, package state, temporary tables) to the client; use session()',
  statementTimeout: 'oracledb connection.callTimeout (a limit on each round trip, set once at connect; node-oracledb breaks the call with NJS-123 / DPI-1067 and the connection is destroyed); no separate client backstop',
  notifications: false,
  placeholders: ':1',
  namedParameters: true,
  insertId: false,
  maxIdentifierLength: 128,
  concurrentConnections: true,
  manualTransactions: false,
  readReplicas: true,
  tlsModes: Object.freeze(['disable', 'verify-ca', 'verify-full'] as const),
  passwordFunction: true,
  multiHost: oracleDescriptor.multiHost,
  targetSessionAttrs: oracleDescriptor.targetSessionAttrs,
  readOnlyEviction: 'none',
  pipelining: false,
  notes: Object.freeze([
    'TLS (TCPS) through oracledb Thin: verify-full sets sslServerDNMatch (host name), verify-ca turns it off. Thin always checks the certificate chain, so require is refused; trust anchors and client certificates come from the system store or a PEM wallet (options.walletLocation / walletContent), not ssl.ca/cert/key.',
    'Not verified against an Oracle server in this project\'s CI: unit tests use a fake oracledb; integration tests run only when UNIPOOL_ORACLE_URL is set.',
    'Outside atomic() every statement runs with autoCommit: DML is committed as soon as it succeeds, so there are no manual transactions.',
    'RELEASE SAVEPOINT does not exist in Oracle: releasing a savepoint is a no-op (the savepoint lives until the transaction ends).',
    'Column names come back as Oracle reports them: unquoted identifiers in upper case (SELECT id → row.ID).',
    'maxIdentifierLength is 128 from Oracle Database 12.2; 30 before.',
    'atomic({ readOnly: true }) runs SET TRANSACTION READ ONLY, which already reads a transaction-level snapshot; it cannot be combined with isolation: "read committed".',
  ]),
});
