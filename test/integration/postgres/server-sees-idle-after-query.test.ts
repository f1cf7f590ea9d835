import { expect } from 'chai';
import { uniqueTable } from '../../support/engines.js';
import { backendPid, closePoolsAfterEach, openPool, useServerView } from './server-view.js';

// Release-ASAP as PostgreSQL sees it: after a statement outside a transaction, the backend is
// `idle` (not `idle in transaction`), holds no transaction id, and what it wrote is committed.
describe('postgres: the server sees the connection idle after each query', () => {
  closePoolsAfterEach();
  const server = useServerView();

  it('shows the backend idle, with no transaction, as soon as query() resolves', async () => {
    const { db, name } = openPool();
    const pid = await backendPid(db);
    expect(db.stats().inUse).to.equal(0);
    expect(await server().backends(name)).to.deep.equal([{ pid, state: 'idle', xid: null, query: 'SELECT pg_backend_pid() AS pid' }]);
  });

  it('has a write committed (visible to another session) by the time query() resolves', async () => {
    const { db, name } = openPool();
    const table = uniqueTable('pgit_idle');
    await db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY)`);
    try {
      expect((await db.query(`INSERT INTO ${table} (id) VALUES ($1), ($2)`, [1, 2])).rowCount).to.equal(2);
      expect(await server().query(`SELECT id FROM ${table} ORDER BY id`)).to.deep.equal([{ id: 1 }, { id: 2 }]);
      expect(await server().states(name)).to.deep.equal(['idle']);
    } finally {
      await db.query(`DROP TABLE ${table}`);
    }
  });

  it('shows the backend idle (not "idle in transaction (aborted)") after a failing query, on the same backend', async () => {
    const { db, name } = openPool();
    const pid = await backendPid(db);
    const error = await db.query('SELECT 1 / 0').catch((e: unknown) => e);
    expect(error).to.have.property('code', '22012');
    expect(db.stats().inUse).to.equal(0);
    expect(await server().backends(name)).to.deep.include.members([{ pid, state: 'idle', xid: null, query: 'SELECT 1 / 0' }]);
    expect(db.stats().destroyed).to.equal(0);
  });

  it('shows the backend idle between the queries of an asap scope', async () => {
    const { dbs, db, name } = openPool();
    await dbs.scope(async () => {
      await db.query('SELECT 1');
      expect(db.stats().inUse).to.equal(0);
      expect(await server().states(name)).to.deep.equal(['idle']);
      await db.query('SELECT 2');
      expect(await server().states(name)).to.deep.equal(['idle']);
    });
  });

  it('shows the backend idle right after atomic() resolves', async () => {
    const { db, name } = openPool();
    await db.atomic(async () => {
      await db.query('SELECT txid_current()');
      expect((await server().backends(name)).map((b) => b.state)).to.deep.equal(['idle in transaction']);
    });
    const backends = await server().backends(name);
    expect(backends.map((b) => [b.state, b.xid])).to.deep.equal([['idle', null]]);
  });

  it('keeps as few backends as the concurrency needs: 40 concurrent queries on max 2 open at most 2', async () => {
    const { db, name } = openPool({ pool: { max: 2 } });
    await Promise.all(Array.from({ length: 40 }, (_, i) => db.query('SELECT $1::int AS i', [i])));
    const backends = await server().backends(name);
    expect(backends.length).to.be.within(1, 2);
    expect(backends.every((b) => b.state === 'idle')).to.equal(true);
  });
});
