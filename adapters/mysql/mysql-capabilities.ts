import type { Capabilities } from '../../src/adapter.js';
import { mysqlDescriptor } from './mysql-descriptor.js';

/** What the MySQL/MariaDB adapter supports; the docs' capability matrix is generated from this. */
export const mysqlCapabilities: Capabilities = Object.freeze({
  transactionStateSource: 'SERVER_STATUS_IN_TRANS flag of the final OK/EOF packet of every reply (re-read with COM_PING after an error inside a transaction)',
  transactionStateAccuracy: 'exact',
  savepoints: true,
  isolationLevels: Object.freeze(['read uncommitted', 'read committed', 'repeatable read', 'serializable'] as const),
  readOnlyTransactions: true,
  serverSideCursors: false,
  streamSource: 'mysql2 query().stream() (rows read off the socket with backpressure)',
  sessionReset: 'COM_RESET_CONNECTION',
  sessionStateDetection:
    'SERVER_SESSION_STATE_CHANGED flag (session_track_state_change = ON): SET of user or session variables, SET NAMES, USE, CREATE/DROP TEMPORARY TABLE, PREPARE/DEALLOCATE are errors outside session(); a statement that also returned rows or changed rows resets the connection',
  statementTimeout:
    'MariaDB: max_statement_time (every statement); MySQL: max_execution_time (read-only SELECT only), both in the session setup run at connect and after each reset (no extra round trip); client backstop at the limit + 1 s destroys the connection (on MySQL it is what ends a slow non-SELECT)',
  notifications: false,
  placeholders: '?',
  namedParameters: true,
  insertId: true,
  maxIdentifierLength: 64,
  concurrentConnections: true,
  manualTransactions: true,
  readReplicas: true,
  tlsModes: Object.freeze(['disable', 'require', 'verify-ca', 'verify-full'] as const),
  passwordFunction: true,
  multiHost: mysqlDescriptor.multiHost,
  targetSessionAttrs: mysqlDescriptor.targetSessionAttrs,
  readOnlyEviction: '1290 (--read-only / --super-read-only) and 1836 (read-only mode) on any statement; 1792 only outside a transaction (a server-wide read-only default, not START TRANSACTION READ ONLY)',
  pipelining: true,
  notes: Object.freeze([
    'TLS modes map to mysql2\'s ssl.rejectUnauthorized (chain) and ssl.verifyIdentity (host name). verify-full needs a host name: mysql2 cannot check a certificate against an IP address, so the config refuses that combination. MariaDB answers a plain-text connection to a require_secure_transport server with "access denied" (1045), MySQL with 3159.',
    'Not detected as session state (the server does not report them): GET_LOCK() named locks, LOCK TABLES, SET TRANSACTION (next transaction only), and user variables assigned inside an expression (SELECT @v := 1, SELECT … INTO @v, DO @v := 1). Use session() for those.',
    'Breaking out of stream() early makes the connection unusable: MySQL cannot stop a result half-way, so the connection is closed and replaced.',
    'Named parameters (:name) work when the parameters are an object; an array binds ? by position.',
    'START TRANSACTION (without an isolation level) is sent with the block\'s first statement, as one multi-statement query that stops at its first error (multi-statement mode on for that query only); a block that runs no statement sends nothing.',
    'Pipelining: statements with positional parameters that ran alone on a connection without changing transaction or session state share it while earlier ones are answered (not with the mysql2 options compress or debug).',
    'Values are escaped client-side by mysql2 (text protocol); queries with parameters are refused while the session runs with NO_BACKSLASH_ESCAPES, where that escaping would be wrong.',
    'Needs MySQL ≥ 5.7 or MariaDB ≥ 10.2 (session-state tracking); COM_RESET_CONNECTION needs MySQL ≥ 5.7.3 or MariaDB ≥ 10.2.4.',
  ]),
});
