import type { Capabilities } from '../../src/adapter.js';
import { postgresDescriptor } from './postgres-descriptor.js';

/** What the PostgreSQL adapter supports; the docs' capability matrix is generated from this. */
export const postgresCapabilities: Capabilities = Object.freeze({
  transactionStateSource: 'client.getTransactionStatus()',
  transactionStateAccuracy: 'exact',
  savepoints: true,
  isolationLevels: Object.freeze(['read uncommitted', 'read committed', 'repeatable read', 'serializable'] as const),
  readOnlyTransactions: true,
  serverSideCursors: true,
  streamSource: 'pg-cursor (server-side portal)',
  sessionReset: 'DISCARD ALL',
  sessionStateDetection: 'full command tag of every statement: SET, RESET, LISTEN, PREPARE, DECLARE CURSOR, LOAD are errors outside session(); CREATE … and SELECT INTO reset the connection',
  statementTimeout: 'statement_timeout, sent as a startup parameter (no round trip; DISCARD ALL keeps it); client backstop: pg\'s query_timeout at the limit + 1 s, then the connection is destroyed',
  notifications: true,
  placeholders: '$1',
  namedParameters: false,
  insertId: false,
  maxIdentifierLength: 63,
  concurrentConnections: true,
  manualTransactions: true,
  readReplicas: true,
  tlsModes: Object.freeze(['disable', 'require', 'verify-ca', 'verify-full'] as const),
  passwordFunction: true,
  multiHost: postgresDescriptor.multiHost,
  targetSessionAttrs: postgresDescriptor.targetSessionAttrs,
  readOnlyEviction: 'SQLSTATE 25006 when the server reports in_hot_standby or default_transaction_read_only on (ParameterStatus, PostgreSQL ≥ 14), or outside a transaction on older servers',
  pipelining: true,
  notes: Object.freeze([
    'TLS modes follow libpq: require encrypts without checking the certificate, verify-ca checks the chain (ssl.ca or the system CAs), verify-full also the host name (an IP host is matched against the certificate\'s IP entries). prefer and allow are refused: pg cannot fall back to plain text.',
    'PostgreSQL accepts READ UNCOMMITTED but runs it as READ COMMITTED.',
    'Session state changed inside a SELECT is not detected: pg_advisory_lock(), set_config(…, false), or a function/DO block that runs SET. Use session() for those, or pg_advisory_xact_lock() and SET LOCAL inside atomic().',
    'Behind PgBouncer in transaction mode, queries and atomic() work; session(), LISTEN, SET outside SET LOCAL, WITH HOLD cursors, session advisory locks and SQL PREPARE need session pooling.',
    'COMMIT of a transaction that an earlier statement aborted is rolled back by the server; atomic() then throws UNIPOOL_TX_ABORTED.',
    'A multi-statement query without parameters returns the last statement\'s result.',
    'Notifications: db.listen() receives on one dedicated connection per database, outside max, re-LISTENed after a reconnect (onGap then runs); db.notify() sends with pg_notify() on a pooled connection (at COMMIT inside atomic()).',
  ]),
});
