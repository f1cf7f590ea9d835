import { expect } from 'chai';
import { postgresAdapter as adapter, type PgConnection } from '../../../adapters/postgres/index.js';
import { postgresDriver } from '../../../adapters/postgres/load-postgres-driver.js';
import { streamRows } from '../../../adapters/postgres/postgres-stream.js';
import { OpenConnections } from './adapter-support.js';
import { withDocsLink } from '../../support/docs-link.js';

const SERIES = 'SELECT g AS n FROM generate_series(1, $1::int) AS g';

describe('postgres adapter: stream (pg-cursor)', () => {
  const connections = new OpenConnections();
  let conn: PgConnection;

  beforeEach(async () => {
    conn = await connections.open();
  });
  afterEach(async () => {
    await connections.closeAll();
  });

  const openPortals = async (): Promise<number> => Number((await adapter.query(conn, 'SELECT count(*)::int AS n FROM pg_cursors')).rows[0]?.n);

  it('reads every row, batchSize at a time, and leaves the client usable', async () => {
    const seen: number[] = [];
    for await (const row of adapter.stream(conn, SERIES, [1000], { batchSize: 100 })) seen.push(row.n as number);
    expect(seen).to.have.length(1000);
    expect(seen[0]).to.equal(1);
    expect(seen[999]).to.equal(1000);
    expect(adapter.isUsable(conn)).to.equal(true);
    expect(adapter.transactionState(conn)).to.equal('idle');
    expect(await openPortals()).to.equal(0);
  });

  it('ends cleanly when the row count is an exact multiple of batchSize, or zero', async () => {
    let count = 0;
    for await (const _row of adapter.stream(conn, SERIES, [300], { batchSize: 100 })) count++;
    expect(count).to.equal(300);
    for await (const _row of adapter.stream(conn, SERIES, [0], { batchSize: 100 })) count++;
    expect(count).to.equal(300);
    expect(adapter.isUsable(conn)).to.equal(true);
  });

  it('closes the cursor on break after 3 rows of 10 000; the same client then runs a query', async () => {
    const seen: number[] = [];
    for await (const row of adapter.stream(conn, SERIES, [10_000], { batchSize: 50 })) {
      seen.push(row.n as number);
      if (seen.length === 3) break;
    }
    expect(seen).to.deep.equal([1, 2, 3]);
    expect(adapter.isUsable(conn)).to.equal(true);
    expect((await adapter.query(conn, 'SELECT 42 AS answer')).rows).to.deep.equal([{ answer: 42 }]);
    expect(await openPortals()).to.equal(0);
  });

  it('closes the cursor when the loop body throws', async () => {
    const failure = new Error('consumer failed');
    let caught: unknown;
    try {
      for await (const row of adapter.stream(conn, SERIES, [10_000], { batchSize: 50 })) {
        if (row.n === 120) throw failure;
      }
    } catch (error) {
      caught = error;
    }
    expect(caught).to.equal(failure);
    expect(adapter.isUsable(conn)).to.equal(true);
    expect((await adapter.query(conn, 'SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
  });

  it('rethrows a server error in a later batch, after the client is ready again', async () => {
    let count = 0;
    let caught: { code?: string } | undefined;
    try {
      for await (const _row of adapter.stream(conn, 'SELECT 1 / (5000 - g) AS n FROM generate_series(1, 10000) AS g', undefined, { batchSize: 100 })) count++;
    } catch (error) {
      caught = error as { code?: string };
    }
    expect(caught?.code).to.equal('22012');
    expect(count).to.equal(4900);
    expect(adapter.isBroken(conn, caught)).to.equal(false);
    expect(adapter.isUsable(conn)).to.equal(true);
    expect((await adapter.query(conn, 'SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
  });

  it('reports a failed transaction after an error inside one', async () => {
    await adapter.begin(conn, {});
    const iterator = adapter.stream(conn, 'SELECT 1 / (g - 3) AS n FROM generate_series(1, 10) AS g', [], { batchSize: 1 });
    let caught: { code?: string } | undefined;
    try {
      for await (const _row of iterator);
    } catch (error) {
      caught = error as { code?: string };
    }
    expect(caught?.code).to.equal('22012');
    expect(adapter.transactionState(conn)).to.equal('failed');
    await adapter.rollback(conn);
  });

  it('keeps the transaction open when a stream inside it is broken off', async () => {
    await adapter.begin(conn, {});
    for await (const _row of adapter.stream(conn, SERIES, [1000], { batchSize: 10 })) break;
    expect(adapter.transactionState(conn)).to.equal('active');
    expect(adapter.isUsable(conn)).to.equal(true);
    await adapter.commit(conn);
  });

  it('is busy (not usable) while rows are still unread, and a query sent meanwhile waits for the stream', async () => {
    const iterator = adapter.stream(conn, SERIES, [500], { batchSize: 10 });
    const first = await iterator.next();
    expect(first.value).to.deep.equal({ n: 1 });
    expect(adapter.isUsable(conn)).to.equal(false);
    let answered = false;
    const waiting = adapter.query(conn, 'SELECT 7 AS n').then((result) => {
      answered = true;
      return result;
    });
    await iterator.next();
    expect(answered).to.equal(false);
    await iterator.return?.();
    expect((await waiting).rows).to.deep.equal([{ n: 7 }]);
    expect(adapter.isUsable(conn)).to.equal(true);
  });

  it('gives the client back when the parameters cannot be serialised', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    let caught: unknown;
    try {
      for await (const _row of adapter.stream(conn, 'SELECT $1::jsonb AS doc', [circular], { batchSize: 10 }));
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(Error);
    expect(adapter.isUsable(conn)).to.equal(true);
    expect((await adapter.query(conn, 'SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
  });

  it('rejects a batchSize below 1 (pg-cursor would read everything at once)', async () => {
    let caught: { code?: string; message?: string } | undefined;
    try {
      for await (const _row of adapter.stream(conn, SERIES, [10], { batchSize: 0 }));
    } catch (error) {
      caught = error as { code?: string; message?: string };
    }
    expect(caught?.code).to.equal('UNIPOOL_INVALID_ARGUMENT');
    expect(caught?.message).to.equal(withDocsLink('UNIPOOL_INVALID_ARGUMENT', 'postgres: stream(): batchSize must be an integer from 1 to 2147483647, got 0'));
    expect(adapter.isUsable(conn)).to.equal(true);
  });

  it('rejects a batchSize above 2³¹−1 (the Execute row limit is an int32; pg would throw mid-read)', async () => {
    let caught: { code?: string } | undefined;
    try {
      for await (const _row of adapter.stream(conn, SERIES, [10], { batchSize: 2 ** 31 }));
    } catch (error) {
      caught = error as { code?: string };
    }
    expect(caught?.code).to.equal('UNIPOOL_INVALID_ARGUMENT');
    expect(adapter.isUsable(conn)).to.equal(true);
    let rows = 0;
    for await (const _row of adapter.stream(conn, SERIES, [10], { batchSize: 2 ** 31 - 1 })) rows++;
    expect(rows).to.equal(10);
  });

  it('does not wait for a ReadyForQuery that was never asked for when pg throws on this side during a read', async () => {
    // streamRows itself, past the adapter's check: pg's writer throws a RangeError for a row limit
    // over 2³²−1, before anything is sent. The stream must reject at once and leave the client
    // marked unusable (its portal is still open), not wait forever for the server.
    let caught: unknown;
    try {
      for await (const _row of streamRows(conn, postgresDriver.cursor, SERIES, [10], 2 ** 33));
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(RangeError);
    expect(adapter.isUsable(conn)).to.equal(false);
  });

  it('makes the client unusable until reset when the streamed statement changed session state', async () => {
    for await (const _row of adapter.stream(conn, "SET statement_timeout = '5s'", undefined, { batchSize: 10 }));
    expect(adapter.isUsable(conn)).to.equal(false);
    await adapter.reset(conn);
    expect(adapter.isUsable(conn)).to.equal(true);
  });
});
