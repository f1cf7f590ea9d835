import { expect } from 'chai';
import { mysqlAdapter as adapter } from '../../../adapters/mysql/index.js';
import { closeOpened, openConnection } from './adapter-test-settings.js';
import { withDocsLink } from '../../support/docs-link.js';

const TABLE = 't_mysqladapter_shapes';

describe('mysql adapter: query result shapes', () => {
  afterEach(closeOpened);

  before(async () => {
    const conn = await openConnection();
    await adapter.query(conn, `DROP TABLE IF EXISTS ${TABLE}`);
    await adapter.query(conn, `CREATE TABLE ${TABLE} (id INT PRIMARY KEY, name VARCHAR(20)) ENGINE=InnoDB`);
    await closeOpened();
  });

  after(async () => {
    const conn = await openConnection();
    await adapter.query(conn, `DROP TABLE IF EXISTS ${TABLE}`);
    await closeOpened();
  });

  it('returns SELECT rows as objects keyed by column name, rowCount = rows, fields with name and mysql type id', async () => {
    const conn = await openConnection();
    const result = await adapter.query(conn, "SELECT 1 AS one, 'two' AS two UNION ALL SELECT 3, 'four'");
    expect(result.rows).to.deep.equal([{ one: 1, two: 'two' }, { one: 3, two: 'four' }]);
    expect(result.rowCount).to.equal(2);
    expect(result.fields).to.deep.equal([{ name: 'one', type: 3 }, { name: 'two', type: 253 }]);
    expect(result).not.to.have.property('sessionState');
  });

  it('returns an empty SELECT with its fields and rowCount 0', async () => {
    const conn = await openConnection();
    const result = await adapter.query(conn, `SELECT id, name FROM ${TABLE} WHERE id < 0`);
    expect(result.rows).to.deep.equal([]);
    expect(result.rowCount).to.equal(0);
    expect(result.fields?.map((field) => field.name)).to.deep.equal(['id', 'name']);
  });

  it('returns rows [] and rowCount = affected rows for INSERT, UPDATE and DELETE', async () => {
    const conn = await openConnection();
    const inserted = await adapter.query(conn, `INSERT INTO ${TABLE} (id, name) VALUES (?, ?), (?, ?), (?, ?)`, [1, 'a', 2, 'b', 3, 'c']);
    expect(inserted).to.deep.equal({ rows: [], rowCount: 3, fields: [] });
    const updated = await adapter.query(conn, `UPDATE ${TABLE} SET name = 'z' WHERE id >= ?`, [2]);
    expect(updated.rowCount).to.equal(2);
    const deleted = await adapter.query(conn, `DELETE FROM ${TABLE}`);
    expect(deleted.rowCount).to.equal(3);
  });

  it('binds ? placeholders by position, escaping values client-side', async () => {
    const conn = await openConnection();
    const { rows } = await adapter.query(conn, 'SELECT ? AS a, ? AS b, ? AS c', ["it's", 42, null]);
    expect(rows).to.deep.equal([{ a: "it's", b: 42, c: null }]);
  });

  it('binds :name placeholders when the parameters are an object', async () => {
    const conn = await openConnection();
    const { rows } = await adapter.query(conn, 'SELECT :first AS a, :second AS b, :first AS c', { first: 'x', second: 2 });
    expect(rows).to.deep.equal([{ a: 'x', b: 2, c: 'x' }]);
  });

  it('uses ? as the placeholder of every position', () => {
    expect([1, 2, 10].map((n) => adapter.placeholder(n))).to.deep.equal(['?', '?', '?']);
  });

  it('refuses parameters while the session runs with NO_BACKSLASH_ESCAPES, where client-side escaping is unsafe', async () => {
    const conn = await openConnection();
    await adapter.query(conn, "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
    const error = await adapter.query(conn, 'SELECT ? AS a', ["x'"]).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'UNIPOOL_UNSUPPORTED');
    expect((error as Error).message).to.equal(
      withDocsLink('UNIPOOL_UNSUPPORTED', "mysql: query() has parameters, but the session runs with sql_mode NO_BACKSLASH_ESCAPES, where mysql2's client-side escaping is not safe. Remove NO_BACKSLASH_ESCAPES from sql_mode."),
    );
    // Without parameters there is nothing to escape.
    expect((await adapter.query(conn, "SELECT 'a\\b' AS a")).rows).to.deep.equal([{ a: 'a\\b' }]);
  });

  it('passes server errors through unchanged, with their code and errno', async () => {
    const conn = await openConnection();
    const error = await adapter.query(conn, 'SELECT no_such_column').catch((e: unknown) => e);
    expect(error).to.include({ code: 'ER_BAD_FIELD_ERROR', errno: 1054 });
    expect(adapter.isBroken(conn, error)).to.equal(false);
    expect(adapter.isUsable(conn)).to.equal(true);
  });
});
