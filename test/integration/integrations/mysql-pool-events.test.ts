import { expect } from 'chai';
import { createDatabases, type DatabaseConfig, type MysqlPoolConnection } from '../../../src/index.js';
import { engineUnderTest, eventually } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

const mariadb = engineUnderTest('mysql');

// mysql2's Pool events on db.mysqlPool(): libraries and applications listen to them for logging
// and metrics (acquire/release to count connections in use, enqueue to see callers waiting).
describe('mysql: db.mysqlPool() emits the pool events of mysql2', () => {
  closeDatabasesAfterEach();

  it('emits connection, acquire, enqueue and release in the order things happen', async () => {
    const { db } = openDatabase(mariadb, { pool: { min: 0, max: 1 } });
    const pool = db.mysqlPool();
    const events: string[] = [];
    const lent: unknown[] = [];
    pool.on('connection', (message: { alias?: string; connectionId?: unknown }) => events.push(`connection ${message.alias} ${typeof message.connectionId}`));
    pool.on('acquire', (connection: MysqlPoolConnection) => {
      events.push('acquire');
      lent.push(connection);
    });
    pool.on('enqueue', () => events.push('enqueue'));
    pool.on('release', (connection: MysqlPoolConnection) => {
      events.push('release');
      expect(lent, 'the connection released is one that was acquired').to.include(connection);
    });
    const first = await pool.promise().getConnection();
    expect(events).to.deep.equal(['connection default number', 'acquire']);
    const second = pool.promise().getConnection();
    await eventually(() => events.length === 3);
    expect(events[2]).to.equal('enqueue');
    first.release();
    const next = await second;
    expect(events.slice(3)).to.deep.equal(['release', 'acquire']);
    next.release();
    next.release(); // a second release is a no-op, and says nothing
    await pool.promise().query('SELECT 1');
    expect(events.slice(5)).to.deep.equal(['release', 'acquire', 'release']);
    expect(db.stats().created, 'one connection all along').to.equal(1);
  });

  it('emits no enqueue while the pool can still open a connection (as mysql2)', async () => {
    const { db } = openDatabase(mariadb, { pool: { min: 0, max: 2 } });
    const pool = db.mysqlPool();
    const events: string[] = [];
    for (const event of ['connection', 'acquire', 'enqueue', 'release']) pool.on(event, () => events.push(event));
    const [a, b] = await Promise.all([pool.promise().getConnection(), pool.promise().getConnection()]);
    expect(events.filter((event) => event === 'enqueue')).to.deep.equal([]);
    expect(events.filter((event) => event === 'connection')).to.have.length(2);
    expect(events.filter((event) => event === 'acquire')).to.have.length(2);
    a.release();
    b.release();
    expect(events.filter((event) => event === 'release')).to.have.length(2);
  });

  it('keeps the pool working when a listener throws, and reports the error through the logger', async () => {
    const warnings: string[] = [];
    const dbs = createDatabases({ default: mariadb.config() as unknown as DatabaseConfig }, { logger: { warn: (message) => warnings.push(message) } });
    try {
      const pool = dbs.default.mysqlPool();
      pool.on('acquire', () => {
        throw new Error('acquire listener bug');
      });
      pool.on('release', () => {
        throw new Error('release listener bug');
      });
      const [rows] = await pool.promise().query('SELECT 2 AS two');
      expect(rows).to.deep.equal([{ two: 2 }]);
      await eventually(() => dbs.default.stats().inUse === 0);
      expect(warnings.some((w) => w.includes("a db.mysqlPool() 'acquire' listener threw: Error: acquire listener bug"))).to.equal(true);
      expect(warnings.some((w) => w.includes("a db.mysqlPool() 'release' listener threw: Error: release listener bug"))).to.equal(true);
    } finally {
      await dbs.close({ timeoutMs: 2000 });
    }
  });
});
