import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteAdapter, type SqliteConnection } from '../../../adapters/sqlite/sqlite-adapter.js';
import { createDatabases } from '../../../src/index.js';

describe('sqlite: statementCacheSize bounds the Statement objects kept per connection', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unipool-stmt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function open(statementCacheSize?: number): Promise<SqliteConnection> {
    return sqliteAdapter.connect({ database: join(dir, 'a.sqlite3'), options: {} }, { timeoutMs: 1000, onBroken: () => undefined, ...(statementCacheSize === undefined ? {} : { statementCacheSize }) });
  }

  it('keeps at most statementCacheSize statements, the most recently used', async () => {
    const conn = await open(3);
    try {
      for (let i = 0; i < 50; i++) await sqliteAdapter.query(conn, `SELECT ${i} AS n`);
      expect(conn.statements.size).to.equal(3);
      expect(conn.statements.get('SELECT 49 AS n')).to.not.equal(undefined);
      expect(conn.statements.get('SELECT 46 AS n')).to.equal(undefined);
    } finally {
      await sqliteAdapter.close(conn);
    }
  });

  it('keeps none with 0, and every statement still answers', async () => {
    const conn = await open(0);
    try {
      for (let i = 0; i < 5; i++) expect((await sqliteAdapter.query(conn, 'SELECT ? AS n', [i])).rows).to.deep.equal([{ n: i }]);
      expect(conn.statements.size).to.equal(0);
    } finally {
      await sqliteAdapter.close(conn);
    }
  });

  it('defaults to 100', async () => {
    const conn = await open();
    try {
      expect(conn.statements.capacity).to.equal(100);
    } finally {
      await sqliteAdapter.close(conn);
    }
  });

  it('is taken from the database config', async () => {
    // The connections the pool opens, seen through the real adapter's connect().
    const opened: SqliteConnection[] = [];
    const connect = sqliteAdapter.connect;
    sqliteAdapter.connect = async (...args) => {
      const conn = await connect.apply(sqliteAdapter, args);
      opened.push(conn);
      return conn;
    };
    const dbs = createDatabases({ default: { engine: 'sqlite', database: join(dir, 'b.sqlite3'), statementCacheSize: 7 } });
    try {
      for (let i = 0; i < 3; i++) expect((await dbs.default.query('SELECT ? AS n', [i])).rows).to.deep.equal([{ n: i }]);
      expect(opened.length).to.be.at.least(1);
      for (const conn of opened) expect(conn.statements.capacity).to.equal(7);
    } finally {
      sqliteAdapter.connect = connect;
      await dbs.close();
    }
  });
});
