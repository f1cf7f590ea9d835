import { expect } from 'chai';
import type { ConnectionSettings, Row } from '../../../../src/adapter.js';
import { createOracleAdapter } from '../../../../adapters/oracle/index.js';
import { FakeOracledb, oracleError, type FakeOracleConnection, type FakeOracleResultSet } from '../../../support/fake-oracledb.js';
import { withDocsLink } from '../../../support/docs-link.js';

const settings: ConnectionSettings = { host: 'db', database: 'SVC', user: 'app', options: {} };
const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ N: i + 1 }));

async function setup(rowCount: number, fetchError?: { atFetch: number; error: Error }) {
  const fake = new FakeOracledb();
  const adapter = createOracleAdapter({ loadDriver: async () => fake });
  await adapter.connect(settings, { timeoutMs: 1000, onBroken: () => undefined });
  const conn = fake.connections[0] as FakeOracleConnection;
  conn.respond = () => ({ rows: rows(rowCount), fetchError });
  const resultSet = (): FakeOracleResultSet => {
    const opened = conn.resultSets[0];
    if (opened === undefined) throw new Error('no result set was opened');
    return opened;
  };
  return { adapter, conn, resultSet };
}

describe('oracle adapter: stream() through a result set', () => {
  it('fetches batchSize rows per round trip, yields them all and closes the result set at the end', async () => {
    const { adapter, conn, resultSet } = await setup(7);
    const seen: unknown[] = [];
    for await (const row of adapter.stream(conn, 'SELECT n FROM t WHERE a = :1', [5], { batchSize: 3 })) seen.push(row.N);
    expect(seen).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    expect(conn.calls[0]).to.deep.equal({
      method: 'execute',
      sql: 'SELECT n FROM t WHERE a = :1',
      binds: [5],
      options: { resultSet: true, outFormat: 4002, fetchArraySize: 3, autoCommit: true },
    });
    // The third fetch came back short: no fourth round trip.
    expect(resultSet().fetches).to.deep.equal([3, 3, 3]);
    expect(resultSet().closed).to.equal(true);
    expect(adapter.isUsable(conn)).to.equal(true);
  });

  it('closes the result set when the loop breaks early', async () => {
    const { adapter, conn, resultSet } = await setup(100);
    for await (const row of adapter.stream(conn, 'SELECT n FROM t', undefined, { batchSize: 10 })) {
      if (row.N === 2) break;
    }
    expect(resultSet().closed).to.equal(true);
    expect(resultSet().fetches).to.deep.equal([10]);
    expect(adapter.isUsable(conn)).to.equal(true);
  });

  it('closes the result set when the loop throws, and the caller gets its own error', async () => {
    const { adapter, conn, resultSet } = await setup(100);
    const thrown = new Error('consumer failed');
    let caught: unknown;
    try {
      for await (const row of adapter.stream(conn, 'SELECT n FROM t', undefined, { batchSize: 10 })) {
        if (row.N === 15) throw thrown;
      }
    } catch (error) {
      caught = error;
    }
    expect(caught).to.equal(thrown);
    expect(resultSet().closed).to.equal(true);
    expect(adapter.isUsable(conn)).to.equal(true);
  });

  it('closes the result set when a fetch fails, and rethrows the fetch error', async () => {
    const failure = oracleError('ORA-01722', 'invalid number');
    const { adapter, conn, resultSet } = await setup(100, { atFetch: 2, error: failure });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const row of adapter.stream(conn, 'SELECT n FROM t', undefined, { batchSize: 10 })) seen.push(row.N);
    })().catch((e: unknown) => e);
    expect(error).to.equal(failure);
    expect(seen).to.have.length(10);
    expect(resultSet().closed).to.equal(true);
    expect(adapter.isUsable(conn)).to.equal(true);
  });

  it('is not usable while the result set is open', async () => {
    const { adapter, conn, resultSet } = await setup(100);
    const iterator = adapter.stream(conn, 'SELECT n FROM t', undefined, { batchSize: 10 });
    await iterator.next();
    expect(adapter.isUsable(conn)).to.equal(false);
    await iterator.return?.();
    expect(resultSet().closed).to.equal(true);
    expect(adapter.isUsable(conn)).to.equal(true);
  });

  it('streams without autoCommit inside atomic()', async () => {
    const { adapter, conn } = await setup(1);
    await adapter.begin(conn, {});
    for await (const _row of adapter.stream(conn, 'SELECT n FROM t FOR UPDATE', undefined, { batchSize: 5 })) {
      // drain
    }
    expect(conn.calls[0]?.options).to.include({ autoCommit: false });
    expect(adapter.transactionState(conn)).to.equal('active');
  });

  it('rejects a batchSize that is not a positive integer, before executing', async () => {
    const { adapter, conn } = await setup(1);
    const error = await adapter.stream(conn, 'SELECT n FROM t', undefined, { batchSize: 1.5 }).next().catch((e: unknown) => e);
    expect(error).to.have.property('code', 'UNIPOOL_INVALID_ARGUMENT');
    expect((error as Error).message).to.equal(withDocsLink('UNIPOOL_INVALID_ARGUMENT', 'oracle: stream(): batchSize must be an integer from 1 to 2147483647, got 1.5'));
    expect(conn.calls).to.have.length(0);
  });

  it('executes nothing until the first row is asked for, and nothing is left open if it never is', async () => {
    const { adapter, conn } = await setup(5);
    const iterator = adapter.stream(conn, 'SELECT n FROM t', undefined, { batchSize: 5 });
    await iterator.return?.();
    expect(conn.calls).to.have.length(0);
    expect(adapter.isUsable(conn)).to.equal(true);
  });
});
