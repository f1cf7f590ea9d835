import { expect } from 'chai';
import { postgresAdapter as adapter, type PgConnection } from '../../../adapters/postgres/index.js';
import { OpenConnections } from './adapter-support.js';
import { withDocsLink } from '../../support/docs-link.js';

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message?: string } | null> {
  return promise.then(
    () => null,
    (error: unknown) => error as { code?: string; message?: string },
  );
}

describe('postgres adapter: transactions', () => {
  const connections = new OpenConnections();
  const table = `t_pgadapter_tx_${process.pid}`;
  let conn: PgConnection;

  before(async () => {
    conn = await connections.open();
    await adapter.query(conn, `DROP TABLE IF EXISTS ${table}`);
    await adapter.query(conn, `CREATE TABLE ${table} (id int PRIMARY KEY)`);
  });
  afterEach(async () => {
    if (adapter.transactionState(conn) !== 'idle') await adapter.rollback(conn);
    await adapter.query(conn, `DELETE FROM ${table}`);
  });
  after(async () => {
    await adapter.query(conn, `DROP TABLE IF EXISTS ${table}`);
    await connections.closeAll();
  });

  const count = async (): Promise<number> => Number((await adapter.query(conn, `SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n);

  it('reports idle → active → failed → idle from the server, through begin, an error and rollback', async () => {
    expect(adapter.transactionState(conn)).to.equal('idle');
    await adapter.begin(conn, {});
    expect(adapter.transactionState(conn)).to.equal('active');
    const error = await rejection(adapter.query(conn, 'SELECT 1/0'));
    expect(error?.code).to.equal('22012');
    expect(adapter.transactionState(conn)).to.equal('failed');
    expect(adapter.isBroken(conn, error)).to.equal(false);
    await adapter.rollback(conn);
    expect(adapter.transactionState(conn)).to.equal('idle');
  });

  it('sees a manual BEGIN / COMMIT sent as a query', async () => {
    await adapter.query(conn, 'BEGIN');
    expect(adapter.transactionState(conn)).to.equal('active');
    await adapter.query(conn, `INSERT INTO ${table} VALUES (1)`);
    await adapter.query(conn, 'COMMIT');
    expect(adapter.transactionState(conn)).to.equal('idle');
    expect(await count()).to.equal(1);
  });

  it('commits and rolls back', async () => {
    await adapter.begin(conn, {});
    await adapter.query(conn, `INSERT INTO ${table} VALUES (1)`);
    await adapter.commit(conn);
    await adapter.begin(conn, {});
    await adapter.query(conn, `INSERT INTO ${table} VALUES (2)`);
    await adapter.rollback(conn);
    expect(await count()).to.equal(1);
  });

  it('throws UNIPOOL_TX_ABORTED when COMMIT finds the transaction aborted (the server rolled it back)', async () => {
    await adapter.begin(conn, {});
    await adapter.query(conn, `INSERT INTO ${table} VALUES (1)`);
    await rejection(adapter.query(conn, 'SELECT 1/0'));
    const error = await rejection(adapter.commit(conn));
    expect(error?.code).to.equal('UNIPOOL_TX_ABORTED');
    expect(error?.message).to.match(/^postgres: COMMIT found the transaction aborted by an earlier failed statement/);
    expect(adapter.transactionState(conn)).to.equal('idle');
    expect(await count()).to.equal(0);
  });

  it('rolls back to a savepoint, releases one, and recovers a failed transaction through it', async () => {
    await adapter.begin(conn, {});
    await adapter.query(conn, `INSERT INTO ${table} VALUES (1)`);
    await adapter.savepoint(conn, 'unipool_sp_1');
    await adapter.query(conn, `INSERT INTO ${table} VALUES (2)`);
    await rejection(adapter.query(conn, `INSERT INTO ${table} VALUES (2)`));
    expect(adapter.transactionState(conn)).to.equal('failed');
    await adapter.rollbackToSavepoint(conn, 'unipool_sp_1');
    expect(adapter.transactionState(conn)).to.equal('active');
    await adapter.savepoint(conn, 'unipool_sp_2');
    await adapter.query(conn, `INSERT INTO ${table} VALUES (3)`);
    await adapter.releaseSavepoint(conn, 'unipool_sp_2');
    await adapter.commit(conn);
    const { rows } = await adapter.query(conn, `SELECT id FROM ${table} ORDER BY id`);
    expect(rows.map((row) => row.id)).to.deep.equal([1, 3]);
  });

  it('quotes savepoint names as identifiers', async () => {
    await adapter.begin(conn, {});
    await adapter.savepoint(conn, 'Odd "name"; SELECT 1');
    await adapter.rollbackToSavepoint(conn, 'Odd "name"; SELECT 1');
    await adapter.releaseSavepoint(conn, 'Odd "name"; SELECT 1');
    expect(adapter.transactionState(conn)).to.equal('active');
    await adapter.rollback(conn);
  });

  for (const isolation of ['read uncommitted', 'read committed', 'repeatable read', 'serializable'] as const) {
    it(`begins at isolation level ${isolation}`, async () => {
      await adapter.begin(conn, { isolation });
      const { rows } = await adapter.query(conn, 'SHOW transaction_isolation');
      expect(rows[0]?.transaction_isolation).to.equal(isolation);
      await adapter.rollback(conn);
    });
  }

  it('begins a read-only transaction in which a write fails (25006) and a read works', async () => {
    await adapter.begin(conn, { isolation: 'serializable', readOnly: true });
    expect((await adapter.query(conn, 'SHOW transaction_read_only')).rows[0]?.transaction_read_only).to.equal('on');
    expect((await adapter.query(conn, 'SHOW transaction_isolation')).rows[0]?.transaction_isolation).to.equal('serializable');
    expect(await count()).to.equal(0);
    const error = await rejection(adapter.query(conn, `INSERT INTO ${table} VALUES (1)`));
    expect(error?.code).to.equal('25006');
    await adapter.rollback(conn);
  });

  it('begins read-write by default', async () => {
    await adapter.begin(conn, { readOnly: false });
    expect((await adapter.query(conn, 'SHOW transaction_read_only')).rows[0]?.transaction_read_only).to.equal('off');
    await adapter.rollback(conn);
  });

  it('rejects an unknown isolation level before sending anything', async () => {
    const error = await rejection(adapter.begin(conn, { isolation: 'snapshot' as never }));
    expect(error?.code).to.equal('UNIPOOL_INVALID_ARGUMENT');
    expect(error?.message).to.equal(
      withDocsLink('UNIPOOL_INVALID_ARGUMENT', 'postgres: unknown isolation level "snapshot"; expected one of read uncommitted, read committed, repeatable read, serializable.'),
    );
    expect(adapter.transactionState(conn)).to.equal('idle');
  });

  it('does not flag transaction control or plain DML as session state', async () => {
    const results = [
      await adapter.query(conn, 'BEGIN'),
      await adapter.query(conn, 'SAVEPOINT a'),
      await adapter.query(conn, `INSERT INTO ${table} VALUES (9)`),
      await adapter.query(conn, 'SET CONSTRAINTS ALL DEFERRED'),
      await adapter.query(conn, 'RELEASE SAVEPOINT a'),
      await adapter.query(conn, 'COMMIT'),
    ];
    expect(results.map((result) => result.sessionState)).to.deep.equal(results.map(() => undefined));
  });
});
