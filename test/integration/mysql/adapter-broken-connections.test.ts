import { expect } from 'chai';
import { mysqlAdapter as adapter, type MysqlConnection } from '../../../adapters/mysql/index.js';
import { eventually } from '../../support/engines.js';
import { brokenReports, closeOpened, openConnection, seriesSql } from './adapter-test-settings.js';

/** Runs `KILL [QUERY] <thread id of conn>` from a second connection. */
async function kill(conn: MysqlConnection, what: 'CONNECTION' | 'QUERY' = 'CONNECTION'): Promise<void> {
  const admin = await openConnection();
  await adapter.query(admin, `KILL ${what} ${Number(conn.threadId)}`);
}

/** Resolves once the server lists the connection's thread as running `SLEEP`. */
async function untilSleeping(conn: MysqlConnection): Promise<void> {
  const observer = await openConnection();
  let sleeping = false;
  for (let attempt = 0; attempt < 200 && !sleeping; attempt += 1) {
    const { rows } = await adapter.query(observer, 'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ? AND INFO LIKE ?', [conn.threadId, '%SLEEP(%']);
    sleeping = Number(rows[0]?.n) > 0;
  }
  expect(sleeping, 'the statement never started').to.equal(true);
}

describe('mysql adapter: broken connections', () => {
  afterEach(closeOpened);

  it('calls onBroken once when the server kills an idle connection, without crashing the process', async () => {
    const conn = await openConnection();
    const reports = brokenReports.get(conn) ?? [];
    await kill(conn);
    await eventually(() => reports.length > 0);
    expect(reports).to.have.length(1);
    expect(reports[0]).to.be.instanceOf(Error);
    expect(adapter.isUsable(conn)).to.equal(false);
    // A later query fails with an error the adapter classifies as broken.
    const error = await adapter.query(conn, 'SELECT 1').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
    expect(adapter.isBroken(conn, error)).to.equal(true);
    expect(reports).to.have.length(1);
  });

  it('reports a connection killed during a query as broken (isBroken and isUsable)', async () => {
    const conn = await openConnection();
    const running = adapter.query(conn, 'SELECT SLEEP(30)').catch((e: unknown) => e);
    await untilSleeping(conn);
    await kill(conn);
    const error = await running;
    expect(error).to.be.instanceOf(Error);
    expect(adapter.isBroken(conn, error)).to.equal(true);
    await eventually(() => !adapter.isUsable(conn));
  });

  it('keeps a connection whose query alone was killed (KILL QUERY)', async () => {
    const conn = await openConnection();
    const running = adapter.query(conn, 'SELECT SLEEP(30) AS slept');
    await untilSleeping(conn);
    await kill(conn, 'QUERY');
    // MariaDB ends SLEEP() early and returns 1 rather than an error; either way the session lives on.
    const outcome = await running.catch((e: unknown) => e);
    if (outcome instanceof Error) expect(adapter.isBroken(conn, outcome)).to.equal(false);
    expect(adapter.isUsable(conn)).to.equal(true);
    expect((await adapter.query(conn, 'SELECT 2 AS two')).rows).to.deep.equal([{ two: 2 }]);
    expect(brokenReports.get(conn)).to.have.length(0);
  });

  it('ends a stream with an error when its connection is killed mid-result, instead of waiting forever', async () => {
    const conn = await openConnection();
    const iterator = adapter.stream(conn, 'SELECT SLEEP(30) AS n', undefined, { batchSize: 10 });
    const next = iterator.next().catch((e: unknown) => e);
    await untilSleeping(conn);
    await kill(conn);
    const error = await next;
    expect(error).to.be.instanceOf(Error);
    expect(adapter.isBroken(conn, error)).to.equal(true);
    expect(adapter.isUsable(conn)).to.equal(false);
  });

  it('ends a stream with an error when the socket dies mid-result without an ERR packet (network failure)', async () => {
    const conn = await openConnection();
    const iterator = adapter.stream(conn, seriesSql(100_000), undefined, { batchSize: 10 });
    expect((await iterator.next()).value).to.deep.equal({ n: 1 });
    // What a dropped network looks like to mysql2: the socket closes, no reply at all. mysql2 tells
    // only the connection, not the streaming command.
    (conn as unknown as { stream: { destroy(): void } }).stream.destroy();
    let outcome: unknown;
    for (let reads = 0; reads < 100_000 && outcome === undefined; reads += 1) {
      outcome = await iterator.next().then((step) => (step.done === true ? 'ended without error' : undefined), (error: unknown) => error);
    }
    expect(outcome).to.have.property('code', 'PROTOCOL_CONNECTION_LOST');
    expect(adapter.isBroken(conn, outcome)).to.equal(true);
    expect(adapter.isUsable(conn)).to.equal(false);
    expect(brokenReports.get(conn)).to.have.length(1);
  });

  it('closes a broken connection without throwing', async () => {
    const conn = await openConnection();
    await kill(conn);
    await eventually(() => !adapter.isUsable(conn));
    await adapter.close(conn);
  });

  it('does not call onBroken for a connection the adapter closes itself', async () => {
    const conn = await openConnection();
    await adapter.close(conn);
    expect(adapter.isUsable(conn)).to.equal(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(brokenReports.get(conn)).to.have.length(0);
  });
});
