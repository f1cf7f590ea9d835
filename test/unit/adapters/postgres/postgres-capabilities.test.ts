import { expect } from 'chai';
import { postgresAdapter, postgresCapabilities } from '../../../../adapters/postgres/index.js';

describe('postgres adapter: identity and capabilities', () => {
  it('names its engine and driver package', () => {
    expect(postgresAdapter.engine).to.equal('postgres');
    expect(postgresAdapter.driverPackage).to.equal('pg');
    expect(postgresAdapter.capabilities).to.equal(postgresCapabilities);
  });

  it('declares what PostgreSQL supports', () => {
    expect(postgresCapabilities).to.deep.include({
      transactionStateSource: 'client.getTransactionStatus()',
      transactionStateAccuracy: 'exact',
      savepoints: true,
      readOnlyTransactions: true,
      serverSideCursors: true,
      streamSource: 'pg-cursor (server-side portal)',
      sessionReset: 'DISCARD ALL',
      notifications: true,
      placeholders: '$1',
      namedParameters: false,
      maxIdentifierLength: 63,
      concurrentConnections: true,
      manualTransactions: true,
      readReplicas: true,
    });
    expect(postgresCapabilities.isolationLevels).to.deep.equal(['read uncommitted', 'read committed', 'repeatable read', 'serializable']);
    expect(postgresCapabilities.notes.some((note) => note.includes('READ UNCOMMITTED'))).to.equal(true);
    expect(postgresCapabilities.notes.some((note) => note.includes('pg_advisory_lock'))).to.equal(true);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(postgresAdapter)).to.equal(true);
    expect(Object.isFrozen(postgresCapabilities)).to.equal(true);
    expect(Object.isFrozen(postgresCapabilities.notes)).to.equal(true);
  });
});
