import { expect } from 'chai';
import { sleep, uniqueTable } from '../../support/engines.js';
import { backendPid, closePoolsAfterEach, openPool, useServerView } from './server-view.js';
import { withDocsLink } from '../../support/docs-link.js';

type Caught = { code?: string; message?: string };
const caught = (promise: Promise<unknown>): Promise<Caught> => promise.then(() => ({}), (error: unknown) => error as Caught);

describe('postgres: connections in a bad state are rolled back or destroyed, never handed on', () => {
  closePoolsAfterEach();
  const server = useServerView();
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown): void => void uncaught.push(error);
  beforeEach(() => {
    uncaught.length = 0;
    process.prependListener('uncaughtException', onUncaught);
    process.prependListener('unhandledRejection', onUncaught);
  });
  afterEach(() => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  });

  it('an idle pooled backend killed with pg_terminate_backend: no unhandled error, evicted (destroyed: 1), the next query works', async () => {
    const { db, name } = openPool({ pool: { max: 1 } });
    const pid = await backendPid(db);
    await server().terminate(name, pid);
    await server().waitFor(name, (backends) => backends.length === 0);
    // Let pg read the FATAL 57P01 and the socket close while the connection sits idle in the pool.
    await sleep(50);
    const next = await backendPid(db);
    expect(next).to.not.equal(pid);
    expect(db.stats()).to.include({ destroyed: 1, created: 2, inUse: 0 });
    expect(uncaught).to.deep.equal([]);
  });

  it('a busy backend killed mid pg_sleep: that query fails with UNIPOOL_CONNECTION_BROKEN (cause 57P01), the connection is destroyed, the pool recovers', async () => {
    const { db, name } = openPool({ pool: { max: 1 } });
    const pid = await backendPid(db);
    const running = caught(db.query('SELECT pg_sleep(30)'));
    await server().waitFor(name, (backends) => backends[0]?.state === 'active' && backends[0].query === 'SELECT pg_sleep(30)');
    await server().terminate(name, pid);
    const error = await running;
    expect(error).to.include({
      code: 'UNIPOOL_CONNECTION_BROKEN',
      message: withDocsLink('UNIPOOL_CONNECTION_BROKEN', 'unipool: pool "default": the connection broke while the statement ran (57P01); it was destroyed. The statement may or may not have run: retry only if it is idempotent.'),
    });
    expect((error as { cause?: unknown }).cause).to.include({ code: '57P01', message: 'terminating connection due to administrator command' });
    expect(db.stats()).to.include({ inUse: 0, destroyed: 1 });
    expect(await backendPid(db)).to.not.equal(pid);
    expect(uncaught).to.deep.equal([]);
  });

  it('mid-query: a statement abandoned by query_timeout leaves its backend busy, so the connection is destroyed, not handed on', async () => {
    const { db, name } = openPool({ pool: { max: 1 }, options: { query_timeout: 200 } });
    const pid = await backendPid(db);
    const error = await caught(db.query('SELECT pg_sleep(0.8)'));
    // A client-side statement timeout: the same code as statementTimeoutMs's, and the message says the connection went.
    expect(error).to.have.property('code', 'UNIPOOL_STATEMENT_TIMEOUT');
    expect((error as Error).message).to.contain('the statement ran longer than its time limit: no answer came from the server in time, so the connection was destroyed');
    expect((error as { cause?: Error }).cause?.message).to.equal('Query read timeout');
    expect(db.stats()).to.include({ inUse: 0, destroyed: 1 });
    // The next borrower gets a fresh backend, never the one still running the abandoned statement.
    expect(await backendPid(db)).to.not.equal(pid);
    await server().waitFor(name, (backends) => !backends.some((b) => b.pid === pid));
  });

  it('a failed transaction ("idle in transaction (aborted)") held by a scope is rolled back at scope end, on the same backend', async () => {
    const { dbs, db, name } = openPool({ pool: { max: 1 } });
    const pid = await backendPid(db);
    await dbs.scope(async () => {
      await db.query('BEGIN');
      expect((await caught(db.query('SELECT nonsense FROM pgit_no_such_table'))).code).to.equal('42P01');
      expect(await server().states(name)).to.deep.equal(['idle in transaction (aborted)']);
    });
    expect(db.stats().inUse).to.equal(0);
    expect(await server().backends(name)).to.deep.equal([{ pid, state: 'idle', xid: null, query: 'ROLLBACK' }]);
    // Rolled back, not destroyed, and clean for the next borrower: a new transaction works on it.
    expect(await db.atomic(() => backendPid(db))).to.equal(pid);
    expect(db.stats().destroyed).to.equal(0);
  });

  it('a transaction left open at the end of a session is rolled back on the server before reuse', async () => {
    const { db, name } = openPool({ pool: { max: 1 } });
    const table = uniqueTable('pgit_badstate');
    await db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY)`);
    try {
      const pid = await backendPid(db);
      await db.session(async () => {
        await db.query('BEGIN');
        await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
      });
      expect(await server().states(name)).to.deep.equal(['idle']);
      expect(await server().query(`SELECT id FROM ${table}`)).to.deep.equal([]);
      expect(await backendPid(db)).to.equal(pid);
    } finally {
      await db.query(`DROP TABLE ${table}`);
    }
  });

  it('a query error outside a transaction keeps the healthy connection: same backend pid, nothing destroyed', async () => {
    const { db } = openPool({ pool: { max: 1 } });
    const pid = await backendPid(db);
    for (const sql of ['SELECT 1 / 0', 'SELECT nonsense FROM pgit_no_such_table', 'SELEC 1', "SELECT 'x'::int"]) {
      expect((await caught(db.query(sql))).code).to.match(/^[0-9A-Z]{5}$/);
      expect(await backendPid(db)).to.equal(pid);
    }
    expect(db.stats()).to.include({ destroyed: 0, created: 1 });
  });

  it('a statement_timeout (57014) leaves the connection healthy and reused', async () => {
    const { db } = openPool({ pool: { max: 1 }, options: { statement_timeout: 100 } });
    const pid = await backendPid(db);
    const error = await caught(db.query('SELECT pg_sleep(2)'));
    // A limit from the driver options is a statement timeout too: one code, pg's error as the cause.
    expect(error).to.include({ code: 'UNIPOOL_STATEMENT_TIMEOUT' });
    expect((error as Error).message).to.contain('the statement ran longer than its time limit: the server stopped it');
    expect((error as { cause?: unknown }).cause).to.include({ code: '57014', message: 'canceling statement due to statement timeout' });
    expect(await backendPid(db)).to.equal(pid);
    expect(db.stats().destroyed).to.equal(0);
  });
});
