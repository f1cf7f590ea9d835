import { expect } from 'chai';
import { postgresAdapter as adapter, type PgConnection } from '../../../adapters/postgres/index.js';
import { OpenConnections } from './adapter-support.js';
import { withDocsLink } from '../../support/docs-link.js';

const INT4 = 23;
const TEXT = 25;

describe('postgres adapter: query results', () => {
  const connections = new OpenConnections();
  const table = `t_pgadapter_results_${process.pid}`;
  let conn: PgConnection;

  before(async () => {
    conn = await connections.open();
    await adapter.query(conn, `DROP TABLE IF EXISTS ${table}`);
  });
  after(async () => {
    await adapter.query(conn, `DROP TABLE IF EXISTS ${table}`);
    await connections.closeAll();
  });

  it('returns rows, rowCount and fields (name + type OID) for a SELECT with $n parameters', async () => {
    const result = await adapter.query(conn, 'SELECT $1::int AS id, $2::text AS name', [7, 'seven']);
    expect(result.rows).to.deep.equal([{ id: 7, name: 'seven' }]);
    expect(result.rowCount).to.equal(1);
    expect(result.fields).to.deep.equal([
      { name: 'id', type: INT4 },
      { name: 'name', type: TEXT },
    ]);
    expect(result).to.not.have.property('sessionState');
  });

  it('counts rows returned for a SELECT and rows affected for INSERT, UPDATE and DELETE', async () => {
    const created = await adapter.query(conn, `CREATE TABLE ${table} (id int PRIMARY KEY, label text)`);
    expect(created.rows).to.deep.equal([]);
    expect(created.rowCount).to.equal(0);

    const inserted = await adapter.query(conn, `INSERT INTO ${table} VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
    expect(inserted).to.include({ rowCount: 3 });
    expect(inserted.rows).to.deep.equal([]);

    const updated = await adapter.query(conn, `UPDATE ${table} SET label = upper(label) WHERE id >= $1`, [2]);
    expect(updated.rowCount).to.equal(2);

    const returning = await adapter.query(conn, `UPDATE ${table} SET label = 'z' WHERE id = 1 RETURNING id, label`);
    expect(returning.rows).to.deep.equal([{ id: 1, label: 'z' }]);
    expect(returning.rowCount).to.equal(1);

    const selected = await adapter.query(conn, `SELECT id FROM ${table} ORDER BY id`);
    expect(selected.rowCount).to.equal(3);
    expect(selected.rows.map((row) => row.id)).to.deep.equal([1, 2, 3]);

    const deleted = await adapter.query(conn, `DELETE FROM ${table} WHERE id <> 2`);
    expect(deleted.rowCount).to.equal(2);

    const none = await adapter.query(conn, `SELECT id FROM ${table} WHERE id > 100`);
    expect(none).to.deep.include({ rows: [], rowCount: 0 });
    expect(none.fields).to.deep.equal([{ name: 'id', type: INT4 }]);

    const dropped = await adapter.query(conn, `DROP TABLE ${table}`);
    expect(dropped.rowCount).to.equal(0);
    expect(dropped).to.not.have.property('sessionState');
  });

  it('returns the last statement of a multi-statement query (no parameters)', async () => {
    const result = await adapter.query(conn, 'SELECT 1 AS a; SELECT 2 AS b, 3 AS c');
    expect(result.rows).to.deep.equal([{ b: 2, c: 3 }]);
    expect(result.rowCount).to.equal(1);
    expect(result.fields?.map((field) => field.name)).to.deep.equal(['b', 'c']);
  });

  it('answers an empty query with an empty result', async () => {
    const result = await adapter.query(conn, '');
    expect(result).to.deep.include({ rows: [], rowCount: 0 });
  });

  it('passes driver errors through unchanged, with their SQLSTATE', async () => {
    const error = await adapter.query(conn, 'SELECT * FROM t_pgadapter_no_such_table').then(
      () => null,
      (caught: unknown) => caught as { code?: string; message?: string },
    );
    expect(error?.code).to.equal('42P01');
    expect(error?.message).to.contain('t_pgadapter_no_such_table');
    expect(adapter.isBroken(conn, error)).to.equal(false);
    expect(adapter.isUsable(conn)).to.equal(true);
  });

  it('rejects named parameters with UNIPOOL_UNSUPPORTED (PostgreSQL binds by position)', async () => {
    const error = await adapter.query(conn, 'SELECT $1', { id: 1 }).then(
      () => null,
      (caught: unknown) => caught as { code?: string; message?: string },
    );
    expect(error?.code).to.equal('UNIPOOL_UNSUPPORTED');
    expect(error?.message).to.equal(
      withDocsLink('UNIPOOL_UNSUPPORTED', 'postgres: query() received named parameters (an object); PostgreSQL binds by position. Write $1, $2 … in the SQL and pass an array.'),
    );
  });

  it('compiles template placeholders to $n and pings with a round trip', async () => {
    expect([1, 2, 10].map((n) => adapter.placeholder(n))).to.deep.equal(['$1', '$2', '$10']);
    await adapter.ping(conn);
    expect(adapter.isUsable(conn)).to.equal(true);
  });

  it('runs concurrent calls on one client one at a time, in order, without pg\'s deprecated queue', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const pending = [
        adapter.query(conn, 'SELECT pg_sleep(0.05), 1 AS n'),
        adapter.query(conn, 'SELECT 2 AS n'),
        adapter.query(conn, 'SELECT 3 AS n'),
      ];
      expect(adapter.isUsable(conn)).to.equal(false);
      const results = await Promise.all(pending);
      expect(results.map((result) => result.rows[0]?.n)).to.deep.equal([1, 2, 3]);
      expect(conn._queryQueue).to.have.length(0);
      expect(adapter.isUsable(conn)).to.equal(true);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((message) => message.includes('already executing a query'))).to.deep.equal([]);
  });
});
