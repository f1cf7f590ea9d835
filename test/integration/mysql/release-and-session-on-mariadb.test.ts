import { expect } from 'chai';
import mysql from 'mysql2/promise';
import { engineUnderTest, sleep, uniqueTable } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';
import { withDocsLink } from '../../support/docs-link.js';

const mariadb = engineUnderTest('mysql');

/** What the server itself says about our pool's connections. */
async function serverView(user: string): Promise<{ id: number; command: string; trx: boolean }[]> {
  const observer = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' });
  try {
    const [rows] = await observer.query(
      'SELECT ID AS id, COMMAND AS command FROM information_schema.PROCESSLIST WHERE USER = ? AND ID <> CONNECTION_ID()',
      [user],
    );
    const [trx] = await observer.query('SELECT trx_mysql_thread_id AS id FROM information_schema.INNODB_TRX');
    const inTrx = new Set((trx as { id: number }[]).map((t) => Number(t.id)));
    return (rows as { id: number; command: string }[]).map((r) => ({ id: Number(r.id), command: r.command, trx: inTrx.has(Number(r.id)) }));
  } finally {
    await observer.end();
  }
}

describe('mysql (MariaDB): release-ASAP as the server sees it', () => {
  closeDatabasesAfterEach();

  it('has the connection back in the pool, idle and outside any transaction, after query() resolves', async () => {
    const { db } = openDatabase(mariadb, { pool: { max: 1 } });
    const { rows } = await db.query<{ id: number }>('SELECT CONNECTION_ID() AS id');
    expect(db.stats().inUse).to.equal(0);
    const mine = (await serverView('root')).find((c) => c.id === Number(rows[0]?.id));
    expect(mine).to.deep.equal({ id: Number(rows[0]?.id), command: 'Sleep', trx: false });
  });

  it('keeps the connection of a manual START TRANSACTION inside a scope until COMMIT', async () => {
    const { dbs, db } = openDatabase(mariadb);
    const table = uniqueTable('mdbtx');
    await db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY) ENGINE=InnoDB`);
    try {
      await dbs.scope(async () => {
        await db.query('START TRANSACTION');
        const { rows } = await db.query<{ id: number }>('SELECT CONNECTION_ID() AS id');
        await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
        expect(db.stats().inUse).to.equal(1);
        // InnoDB refreshes INFORMATION_SCHEMA.INNODB_TRX at most every 0.1 s.
        await sleep(150);
        const during = (await serverView('root')).find((c) => c.id === Number(rows[0]?.id));
        expect(during?.trx).to.equal(true);
        // Another connection cannot see the uncommitted row.
        const { db: other } = openDatabase(mariadb);
        expect((await other.query(`SELECT id FROM ${table}`)).rows).to.deep.equal([]);
        await db.query('COMMIT');
        expect(db.stats().inUse).to.equal(0);
      });
      expect((await db.query(`SELECT id FROM ${table}`)).rows).to.deep.equal([{ id: 1 }]);
    } finally {
      await db.query(`DROP TABLE ${table}`);
    }
  });

  it('never lets SET @x = 1 in one query be seen by the next borrower', async () => {
    const { db } = openDatabase(mariadb, { pool: { max: 1 } });
    const outcome = await db.query('SET @x = 1').then(() => 'ok', (e: { code?: string; message: string }) => e);
    expect(outcome).to.have.property('code', 'UNIPOOL_SESSION_STATE_OUTSIDE_SESSION');
    expect((outcome as Error).message).to.equal(
      withDocsLink('UNIPOOL_SESSION_STATE_OUTSIDE_SESSION', 'unipool: pool "default": the statement changed session state (a variable, temporary table or prepared statement; the server does not say which), but outside db.session() the next query may run on another connection, so the connection was reset. Run it inside db.session(async () => { … }), or set it in the connection options.'),
    );
    const { rows } = await db.query('SELECT @x AS x');
    expect(rows).to.deep.equal([{ x: null }]);
    expect(db.stats().created).to.equal(1);
  });

  it('keeps SET @x for the whole session() and resets it afterwards', async () => {
    const { db } = openDatabase(mariadb, { pool: { max: 1 } });
    const inside = await db.session(async () => {
      await db.query('SET @x = 42');
      return (await db.query('SELECT @x AS x')).rows;
    });
    expect(inside).to.deep.equal([{ x: 42 }]);
    expect((await db.query('SELECT @x AS x')).rows).to.deep.equal([{ x: null }]);
  });
});
