import { expect } from 'chai';
import { uniqueTable } from '../../support/engines.js';
import type { Database } from '../../../src/index.js';
import { backendPid, closePoolsAfterEach, openPool, useServerView } from './server-view.js';
import { withDocsLink } from '../../support/docs-link.js';

type Caught = { code?: string; message?: string };
const caught = (promise: Promise<unknown>): Promise<Caught> => promise.then(() => ({}), (error: unknown) => error as Caught);

const OUTSIDE_SCOPE = withDocsLink(
  'UNIPOOL_TX_OUTSIDE_SCOPE',
  'unipool: pool "default": the statement left a transaction open outside any scope, so the next query could not reach the same connection; it was rolled back. Use db.atomic(async () => { … }) for transactions, or run the code inside dbs.scope()/dbs.middleware().',
);

async function withTable(db: Database, body: (table: string) => Promise<void>): Promise<void> {
  const table = uniqueTable('pgit_manual');
  await db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY)`);
  try {
    await body(table);
  } finally {
    await db.query(`DROP TABLE ${table}`);
  }
}

describe('postgres: manual transactions as the server sees them', () => {
  closePoolsAfterEach();
  const server = useServerView();
  const committed = async (table: string): Promise<number[]> => (await server().query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);

  it('inside a scope: the server shows "idle in transaction" from BEGIN until COMMIT, then idle', async () => {
    const { dbs, db, name } = openPool();
    await withTable(db, async (table) => {
      await dbs.scope(async () => {
        await db.query('BEGIN');
        expect(await server().states(name)).to.deep.equal(['idle in transaction']);
        await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
        expect(db.stats().inUse).to.equal(1);
        expect(await committed(table)).to.deep.equal([]);
        await db.query('COMMIT');
        expect(db.stats().inUse).to.equal(0);
        expect(await server().states(name)).to.deep.equal(['idle']);
      });
      expect(await committed(table)).to.deep.equal([1]);
    });
  });

  it('inside a scope: holds through a failed statement ("idle in transaction (aborted)") until ROLLBACK', async () => {
    const { dbs, db, name } = openPool();
    await dbs.scope(async () => {
      await db.query('START TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      expect((await caught(db.query('SELECT 1 / 0'))).code).to.equal('22012');
      expect(db.stats().inUse).to.equal(1);
      expect(await server().states(name)).to.deep.equal(['idle in transaction (aborted)']);
      expect((await caught(db.query('SELECT 1'))).code).to.equal('25P02');
      await db.query('ROLLBACK');
      expect(db.stats().inUse).to.equal(0);
      expect(await server().states(name)).to.deep.equal(['idle']);
    });
  });

  it('inside a scope: a transaction still open at the end is rolled back on the server, and the backend reused', async () => {
    const { dbs, db, name, warnings } = openPool({ pool: { max: 1 } });
    await withTable(db, async (table) => {
      const pid = await backendPid(db);
      await dbs.scope(async () => {
        await db.query('BEGIN');
        await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
      });
      expect(db.stats().inUse).to.equal(0);
      expect(await server().backends(name)).to.have.deep.members([{ pid, state: 'idle', xid: null, query: 'ROLLBACK' }]);
      expect(await committed(table)).to.deep.equal([]);
      expect(await backendPid(db)).to.equal(pid);
      expect(warnings).to.deep.equal(['unipool: pool "default": a scope ended inside a manual transaction; it was rolled back']);
    });
  });

  it('outside any scope: BEGIN is rolled back and released, no backend is left idle in transaction', async () => {
    const { db, name } = openPool({ pool: { max: 1 } });
    const pid = await backendPid(db);
    for (const statement of ['BEGIN', 'START TRANSACTION', 'BEGIN ISOLATION LEVEL SERIALIZABLE']) {
      const error = await caught(db.query(statement));
      expect(error).to.include({ code: 'UNIPOOL_TX_OUTSIDE_SCOPE', message: OUTSIDE_SCOPE });
      expect(db.stats().inUse).to.equal(0);
      expect(await server().backends(name)).to.deep.equal([{ pid, state: 'idle', xid: null, query: 'ROLLBACK' }]);
    }
    // Rolled back, not destroyed: the same backend serves the next borrower.
    expect(await backendPid(db)).to.equal(pid);
    expect(db.stats().destroyed).to.equal(0);
  });

  it('outside any scope: a write in the same string as BEGIN is rolled back, never committed', async () => {
    const { db } = openPool();
    await withTable(db, async (table) => {
      const error = await caught(db.query(`BEGIN; INSERT INTO ${table} (id) VALUES (1)`));
      expect(error.code).to.equal('UNIPOOL_TX_OUTSIDE_SCOPE');
      expect(await committed(table)).to.deep.equal([]);
    });
  });

  it('outside any scope: COMMIT and ROLLBACK with no transaction open are harmless', async () => {
    const { db, name } = openPool();
    expect((await db.query('COMMIT')).rowCount).to.equal(0);
    expect((await db.query('ROLLBACK')).rowCount).to.equal(0);
    expect(await server().states(name)).to.deep.equal(['idle']);
  });

  it('refuses atomic() inside an open manual transaction, with a message that says what to do', async () => {
    const { dbs, db, name } = openPool();
    await dbs.scope(async () => {
      await db.query('BEGIN');
      const error = await caught(db.atomic(async () => undefined));
      expect(error).to.include({
        code: 'UNIPOOL_TX_MANUAL_ACTIVE',
        message: withDocsLink('UNIPOOL_TX_MANUAL_ACTIVE', 'unipool: pool "default": atomic() cannot start inside a manual transaction (BEGIN …) on the held connection — COMMIT or ROLLBACK it first, or run the whole transaction in atomic()'),
      });
      // The manual transaction is untouched by the refused atomic().
      expect(await server().states(name)).to.deep.equal(['idle in transaction']);
      await db.query('ROLLBACK');
    });
  });
});
