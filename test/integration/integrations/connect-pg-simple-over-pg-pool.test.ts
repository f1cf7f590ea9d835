import { expect } from 'chai';
import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import pg from 'pg';
import { engineUnderTest, uniqueTable } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

// connect-pg-simple's session store given db.pgPool(): it only calls pool.query(text, params).
describe('integrations: connect-pg-simple over db.pgPool()', () => {
  closeDatabasesAfterEach();
  const postgres = engineUnderTest('postgres');
  let raw: pg.Client;
  let tableName: string;
  before(async () => {
    raw = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await raw.connect();
  });
  after(async () => raw.end());
  beforeEach(() => {
    tableName = uniqueTable('sessions');
  });
  afterEach(async () => raw.query(`DROP TABLE IF EXISTS ${tableName}`));

  it('sets, gets and destroys a session through unipool, and ending the store leaves the pool open', async () => {
    const { db } = openDatabase(postgres);
    const PgStore = connectPgSimple(session);
    const store = new PgStore({ pool: db.pgPool<pg.Pool>(), tableName, createTableIfMissing: true, pruneSessionInterval: false });
    const call = <T>(run: (callback: (error: unknown, value?: T) => void) => void): Promise<T | undefined> =>
      new Promise((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));
    const before = db.stats().acquired;
    const data = { cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) }, user: 'ada' } as unknown as session.SessionData;

    await call<void>((callback) => store.set('sid-1', data, callback));
    expect((await raw.query(`SELECT sid, sess->>'user' AS "user" FROM ${tableName}`)).rows).to.deep.equal([{ sid: 'sid-1', user: 'ada' }]);
    const loaded = await call<session.SessionData | null>((callback) => store.get('sid-1', callback));
    expect(loaded).to.have.property('user', 'ada');
    await call<void>((callback) => store.destroy('sid-1', callback));
    expect(await call<session.SessionData | null>((callback) => store.get('sid-1', callback))).to.equal(undefined);
    expect((await raw.query(`SELECT count(*)::int AS n FROM ${tableName}`)).rows[0].n).to.equal(0);

    expect(db.stats().acquired - before).to.be.at.least(4);
    expect(db.stats().inUse).to.equal(0);
    await store.close();
    expect((await db.query('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
  });
});
