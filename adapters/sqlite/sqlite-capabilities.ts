import type { Capabilities } from '../../src/adapter.js';
import { sqliteDescriptor } from './sqlite-descriptor.js';

/** What the SQLite adapter supports; the docs' capability matrix is generated from this. */
export const sqliteCapabilities: Capabilities = Object.freeze({
  transactionStateSource: 'Database#inTransaction (sqlite3_get_autocommit)',
  transactionStateAccuracy: 'exact',
  savepoints: true,
  isolationLevels: Object.freeze(['serializable'] as const),
  readOnlyTransactions: true,
  serverSideCursors: false,
  streamSource: 'Statement#iterate (in-process, row by row)',
  sessionReset: 'drop temp objects, detach databases, query_only off',
  sessionStateDetection: 'temp objects after each write outside a transaction; PRAGMA and ATTACH are not detected',
  statementTimeout: 'not enforceable: better-sqlite3 runs each statement synchronously on the calling thread and nothing can interrupt it, so statementTimeoutMs above 0 is a config error (busy waits for a lock are bounded by options.timeout)',
  notifications: false,
  placeholders: '?',
  namedParameters: true,
  insertId: true,
  maxIdentifierLength: 0,
  concurrentConnections: true,
  manualTransactions: true,
  readReplicas: false,
  tlsModes: Object.freeze([] as const),
  passwordFunction: false,
  multiHost: sqliteDescriptor.multiHost,
  targetSessionAttrs: sqliteDescriptor.targetSessionAttrs,
  readOnlyEviction: 'none',
  pipelining: false,
  notes: Object.freeze([
    'File databases run in WAL mode with a 5 s busy timeout; writers in one process queue for each other asynchronously before writing, so a transaction awaiting between statements never stalls the event loop.',
    'atomic() uses BEGIN IMMEDIATE; atomic({ readOnly: true }) uses BEGIN DEFERRED with PRAGMA query_only.',
    ':memory: databases are one connection (max 1), never closed while the pool lives.',
    'maxIdentifierLength 0 means no fixed limit.',
  ]),
});
