import { expect } from 'chai';
import { uniqueTable } from '../../support/engines.js';
import { createDatabases, type Databases } from '../../../src/index.js';

const URL = 'mysql://root@127.0.0.1:3306/test';

/*
 * statementCacheSize above 0 runs statements with parameters as server-side prepared statements
 * (binary protocol); without it, mysql2 escapes them into the text (text protocol). The binary
 * protocol encodes values differently on the wire: the same row must come back the same either way.
 */
describe('mysql: prepared statements (statementCacheSize) return the same values as the text protocol', function () {
  this.timeout(30_000);
  let text: Databases<'default'>;
  let binary: Databases<'default'>;
  const table = uniqueTable('myit_stmt');

  before(async () => {
    text = createDatabases({ default: { engine: 'mysql', url: URL, pool: { max: 1 } } });
    binary = createDatabases({ default: { engine: 'mysql', url: URL, statementCacheSize: 10, pool: { max: 1 } } });
    await text.default.query(`DROP TABLE IF EXISTS ${table}`);
    await text.default.query(
      `CREATE TABLE ${table} (id INT PRIMARY KEY, i INT, small SMALLINT, big BIGINT, flag TINYINT(1), dec_ DECIMAL(12,3), dbl DOUBLE, flt FLOAT, vc VARCHAR(20), txt TEXT, bin VARBINARY(8), d DATE, dt DATETIME, ts TIMESTAMP NULL, tm TIME, yr YEAR, js JSON, nul INT)`,
    );
    await text.default.query(
      `INSERT INTO ${table} VALUES (1, -42, 7, 9007199254740991, 1, 12345.678, 1.5, 0.25, 'héllo', 'long text', x'00ff10', '2024-02-29', '2024-02-29 13:14:15', '2024-02-29 13:14:15', '12:34:56', 2024, '{"a":[1,2]}', NULL)`,
    );
  });
  after(async () => {
    await text.default.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await Promise.all([text.close(), binary.close()]);
  });

  it('reads every common column type identically', async () => {
    const select = `SELECT * FROM ${table} WHERE id = ?`;
    const viaText = (await text.default.query(select, [1])).rows;
    const viaBinary = (await binary.default.query(select, [1])).rows;
    expect(viaBinary).to.deep.equal(viaText);
    expect(viaText).to.have.length(1);
  });

  it('stores bound parameters identically in typed columns', async () => {
    const insert = `INSERT INTO ${table} (id, i, big, flag, dec_, dbl, vc, bin, d, dt, nul) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    const values = (id: number): unknown[] => [id, -7, 1234567890123, true, 12.5, 0.1, 'ünï', Buffer.from([1, 2]), '2024-02-29', new Date('2024-02-29T13:14:15.000Z'), null];
    await text.default.query(insert, values(2));
    await binary.default.query(insert, values(3));
    const { rows } = await text.default.query(`SELECT i, big, flag, dec_, dbl, vc, bin, d, dt, nul FROM ${table} WHERE id IN (2, 3) ORDER BY id`);
    expect(rows).to.have.length(2);
    expect(rows[1]).to.deep.equal(rows[0]);
  });

  // Not a column: the parameter's own type. The text protocol inlines a literal (1.25 is a DECIMAL,
  // a Date a string); the binary protocol sends a DOUBLE and a DATETIME. Documented in the
  // statement-cache page; it is why the cache is off by default on MySQL.
  it('types a bare parameter (SELECT ?) by the protocol: DECIMAL/string as text, DOUBLE/DATETIME when prepared', async () => {
    const select = 'SELECT ? AS f, ? AS d, ? AS i, ? AS s';
    const params = [1.25, new Date('2024-02-29T13:14:15.000Z'), 42, 'x'];
    const [viaText] = (await text.default.query(select, params)).rows;
    const [viaBinary] = (await binary.default.query(select, params)).rows;
    expect(viaText).to.deep.include({ f: '1.25', i: 42, s: 'x' });
    expect(viaBinary).to.deep.include({ f: 1.25, i: 42, s: 'x' });
    expect(typeof viaText?.['d']).to.equal('string');
    expect(viaBinary?.['d']).to.be.instanceOf(Date);
  });

  it('runs through the server-side statement cache (Com_stmt_execute counts up) only with statementCacheSize', async () => {
    const executes = async (db: Databases<'default'>): Promise<number> => {
      const { rows } = await db.default.query<{ Value: string }>("SHOW SESSION STATUS LIKE 'Com_stmt_execute'");
      return Number(rows[0]?.Value);
    };
    const before = [await executes(text), await executes(binary)];
    for (let i = 0; i < 5; i++) {
      await text.default.query('SELECT ? AS n', [i]);
      await binary.default.query('SELECT ? AS n', [i]);
    }
    expect((await executes(text)) - (before[0] ?? 0)).to.equal(0);
    expect((await executes(binary)) - (before[1] ?? 0)).to.equal(5);
  });
});
