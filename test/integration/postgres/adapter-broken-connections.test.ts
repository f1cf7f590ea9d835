import { expect } from 'chai';
import { postgresAdapter as adapter, type PgConnection } from '../../../adapters/postgres/index.js';
import { OpenConnections, ended, terminate } from './adapter-support.js';

type Caught = { code?: string; message?: string };

async function rejection(promise: Promise<unknown>): Promise<Caught | null> {
  return promise.then(
    () => null,
    (error: unknown) => error as Caught,
  );
}

describe('postgres adapter: broken connections', () => {
  const connections = new OpenConnections();
  let admin: PgConnection;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown): void => void uncaught.push(error);

  before(async () => {
    admin = await connections.open();
  });
  beforeEach(() => {
    uncaught.length = 0;
    process.prependListener('uncaughtException', onUncaught);
  });
  afterEach(() => {
    process.off('uncaughtException', onUncaught);
  });
  after(() => connections.closeAll());

  it('calls onBroken once for an idle connection the server terminates, and never crashes', async () => {
    const reports: unknown[] = [];
    const victim = await connections.open({}, (error) => void reports.push(error));
    expect(await terminate(admin, victim)).to.equal(true);
    await ended(victim);
    await new Promise((resolve) => setImmediate(resolve));
    expect(reports).to.have.length(1);
    expect((reports[0] as Caught).code).to.equal('57P01');
    expect(uncaught).to.deep.equal([]);
    expect(adapter.isUsable(victim)).to.equal(false);
    expect(adapter.isBroken(victim, new Error('anything'))).to.equal(true);
  });

  it('marks the error of a query the server terminates as broken', async () => {
    const victim = await connections.open();
    const running = rejection(adapter.query(victim, 'SELECT pg_sleep(30)'));
    // Wait until the statement is really running before terminating it.
    for (;;) {
      const { rows } = await adapter.query(admin, "SELECT state FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%'", [victim.processID]);
      if (rows[0]?.state === 'active') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await terminate(admin, victim)).to.equal(true);
    const error = await running;
    expect(error?.code).to.equal('57P01');
    expect(adapter.isBroken(victim, error)).to.equal(true);
    await ended(victim);
    expect(adapter.isUsable(victim)).to.equal(false);
    expect(uncaught).to.deep.equal([]);
  });

  it('rejects later queries on a dead connection with an error isBroken recognises', async () => {
    const victim = await connections.open();
    await terminate(admin, victim);
    await ended(victim);
    const error = await rejection(adapter.query(victim, 'SELECT 1'));
    expect(error?.message).to.be.a('string');
    expect(adapter.isBroken(victim, error)).to.equal(true);
    // Closing a dead connection still resolves.
    await adapter.close(victim);
  });

  it('ends a stream whose connection dies instead of hanging', async () => {
    const victim = await connections.open();
    const iterator = adapter.stream(victim, 'SELECT g AS n FROM generate_series(1, 100000) AS g', [], { batchSize: 10 });
    await iterator.next();
    await terminate(admin, victim);
    let caught: Caught | undefined;
    try {
      for (;;) if ((await iterator.next()).done === true) break;
    } catch (error) {
      caught = error as Caught;
    }
    expect(caught).to.not.equal(undefined);
    expect(adapter.isBroken(victim, caught)).to.equal(true);
    expect(adapter.isUsable(victim)).to.equal(false);
  });

  it('gives up at pg\'s query_timeout without waiting for the statement, and calls the connection broken', async () => {
    const impatient = await connections.open({ query_timeout: 100 });
    const error = await rejection(adapter.query(impatient, 'SELECT pg_sleep(5)'));
    expect(error?.message).to.equal('Query read timeout');
    // Rejected while the server is still busy with the statement: nobody waited for it.
    expect(impatient.readyForQuery).to.equal(false);
    expect(adapter.isBroken(impatient, error)).to.equal(true);
    // The statement is still running on the server: the connection must not be reused.
    expect(adapter.isUsable(impatient)).to.equal(false);
    await adapter.close(impatient);
  });

  it('does not take ordinary SQL errors for broken connections', async () => {
    const error = await rejection(adapter.query(admin, 'SELECT 1/0'));
    expect(error?.code).to.equal('22012');
    expect(adapter.isBroken(admin, error)).to.equal(false);
    expect(adapter.isUsable(admin)).to.equal(true);
    const impatient = await connections.open({ statement_timeout: 20 });
    const timeout = await rejection(adapter.query(impatient, 'SELECT pg_sleep(0.5)'));
    expect(timeout?.code).to.equal('57014');
    expect(adapter.isBroken(impatient, timeout)).to.equal(false);
    expect(adapter.isUsable(impatient)).to.equal(true);
  });
});
