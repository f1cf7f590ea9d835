import { expect } from 'chai';
import type { QueryParams } from '../../../src/adapter.js';
import { mysqlAdapter as adapter, type MysqlConnection } from '../../../adapters/mysql/index.js';
import { closeOpened, firstRow, openConnection, seriesSql } from './adapter-test-settings.js';
import { withDocsLink } from '../../support/docs-link.js';

/** Reads a stream to its end, returning the values of column `n`. */
async function collect(conn: MysqlConnection, sql: string, params: QueryParams | undefined, batchSize: number): Promise<unknown[]> {
  const values: unknown[] = [];
  for await (const row of adapter.stream(conn, sql, params, { batchSize })) values.push(row.n);
  return values;
}

describe('mysql adapter: stream()', () => {
  afterEach(closeOpened);

  it('yields every row in order and leaves the connection usable at the end', async () => {
    const conn = await openConnection();
    const values = await collect(conn, seriesSql(2500), undefined, 100);
    expect(values).to.have.length(2500);
    expect(values.slice(0, 3)).to.deep.equal([1, 2, 3]);
    expect(values[2499]).to.equal(2500);
    expect(adapter.isUsable(conn)).to.equal(true);
    expect(await firstRow(conn, 'SELECT 1 AS one')).to.deep.equal({ one: 1 });
  });

  it('binds parameters like query()', async () => {
    const conn = await openConnection();
    expect(await collect(conn, 'SELECT ? AS n UNION ALL SELECT ?', [7, 8], 10)).to.deep.equal([7, 8]);
    expect(await collect(conn, 'SELECT :a AS n', { a: 9 }, 10)).to.deep.equal([9]);
  });

  it('does not read ahead of the consumer: mysql2 pauses the socket once batchSize rows wait unread', async () => {
    const conn = await openConnection();
    const iterator = adapter.stream(conn, seriesSql(100_000), undefined, { batchSize: 10 });
    const first = await iterator.next();
    expect(first.value).to.deep.equal({ n: 1 });
    // mysql2's own flag: set by Query.stream() when push() reports the buffer full.
    expect((conn as unknown as { _paused: boolean })._paused).to.equal(true);
    expect(adapter.isUsable(conn)).to.equal(false);
    await iterator.return?.();
  });

  it('after a break with rows still coming, return() settles at once and the connection is no longer usable', async () => {
    const conn = await openConnection();
    let seen = 0;
    for await (const row of adapter.stream(conn, seriesSql(100_000), undefined, { batchSize: 100 })) {
      seen += 1;
      expect(row.n).to.equal(seen);
      if (seen === 3) break;
    }
    expect(seen).to.equal(3);
    expect(adapter.isUsable(conn)).to.equal(false);
    // close() cuts the socket instead of queueing COM_QUIT behind the rest of the result.
    await adapter.close(conn);
  });

  it('after a throw in the loop, the error reaches the caller and the connection is no longer usable', async () => {
    const conn = await openConnection();
    const thrown = new Error('consumer failed');
    let caught: unknown;
    try {
      for await (const row of adapter.stream(conn, seriesSql(100_000), undefined, { batchSize: 100 })) {
        if (row.n === 5) throw thrown;
      }
    } catch (error) {
      caught = error;
    }
    expect(caught).to.equal(thrown);
    expect(adapter.isUsable(conn)).to.equal(false);
  });

  it('rejects with the server error when the statement fails, leaving the connection usable', async () => {
    const conn = await openConnection();
    const error = await collect(conn, 'SELECT no_such_column AS n', undefined, 10).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'ER_BAD_FIELD_ERROR');
    expect(adapter.isBroken(conn, error)).to.equal(false);
    expect(adapter.isUsable(conn)).to.equal(true);
  });

  it('keeps the transaction state current across a stream inside a transaction', async () => {
    const conn = await openConnection();
    await adapter.begin(conn, {});
    expect(await collect(conn, seriesSql(10), undefined, 3)).to.have.length(10);
    expect(adapter.transactionState(conn)).to.equal('active');
    await adapter.rollback(conn);
    expect(await collect(conn, seriesSql(10), undefined, 3)).to.have.length(10);
    expect(adapter.transactionState(conn)).to.equal('idle');
  });

  it('retires the connection when a streamed statement changed session state (no result can report it)', async () => {
    const conn = await openConnection();
    expect(await collect(conn, 'SET STATEMENT max_statement_time = 10 FOR SELECT 1 AS n', undefined, 10)).to.deep.equal([1]);
    expect(adapter.isUsable(conn)).to.equal(false);
  });

  it('rejects a batchSize that is not a positive integer', async () => {
    const conn = await openConnection();
    const error = await collect(conn, 'SELECT 1 AS n', undefined, 0).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'UNIPOOL_INVALID_ARGUMENT');
    expect((error as Error).message).to.equal(withDocsLink('UNIPOOL_INVALID_ARGUMENT', 'mysql: stream(): batchSize must be an integer from 1 to 2147483647, got 0'));
    expect(adapter.isUsable(conn)).to.equal(true);
  });
});
