import { expect } from 'chai';
import { mysqlAdapter } from '../../../adapters/mysql/index.js';
import { oracleAdapter } from '../../../adapters/oracle/index.js';
import { postgresAdapter } from '../../../adapters/postgres/index.js';
import { sqliteAdapter } from '../../../adapters/sqlite/index.js';
import { UnipoolError } from '../../../src/errors.js';
import { createSqlTag, type SqlTag } from '../../../src/sql-template.js';

// The tags are built on the real adapters (importing one loads no driver): quoting is theirs.
const pg = createSqlTag(postgresAdapter);
const my = createSqlTag(mysqlAdapter);
const lite = createSqlTag(sqliteAdapter);
const ora = createSqlTag(oracleAdapter);

function codeOf(call: () => unknown): string | undefined {
  try {
    call();
  } catch (error) {
    expect(error).to.be.instanceOf(UnipoolError);
    return (error as UnipoolError).code;
  }
  return undefined;
}

describe('db.sql: composing statements', () => {
  it('inlines a nested fragment and renumbers its values ($n on PostgreSQL, :n on Oracle)', () => {
    for (const [sql, ph] of [
      [pg, (n: number) => `$${n}`],
      [ora, (n: number) => `:${n}`],
      [my, () => '?'],
    ] as [SqlTag, (n: number) => string][]) {
      const where = sql`a = ${1} AND b = ${'x'}`;
      const statement = sql`SELECT * FROM t WHERE c = ${true} AND ${where} OR d = ${null}`;
      expect(statement.text).to.equal(`SELECT * FROM t WHERE c = ${ph(1)} AND a = ${ph(2)} AND b = ${ph(3)} OR d = ${ph(4)}`);
      expect(statement.values).to.deep.equal([true, 1, 'x', null]);
    }
  });

  it('inlines fragments nested several levels deep, and the same fragment twice', () => {
    const inner = pg`x = ${1}`;
    const middle = pg`(${inner} OR ${inner})`;
    const statement = pg`SELECT ${2} WHERE ${middle} AND ${pg`y = ${3}`}`;
    expect(statement.text).to.equal('SELECT $1 WHERE (x = $2 OR x = $3) AND y = $4');
    expect(statement.values).to.deep.equal([2, 1, 1, 3]);
  });

  it('join() binds plain items, inlines fragments, and puts the separator between them', () => {
    const ids = pg`SELECT * FROM t WHERE id IN (${pg.join([1, 2, 3])})`;
    expect(ids.text).to.equal('SELECT * FROM t WHERE id IN ($1, $2, $3)');
    expect(ids.values).to.deep.equal([1, 2, 3]);
    const conditions = ora.join([ora`a = ${1}`, ora`b = ${2}`], ' AND ');
    expect(ora`SELECT 1 FROM dual WHERE ${conditions}`.text).to.equal('SELECT 1 FROM dual WHERE a = :1 AND b = :2');
    expect(pg.join([pg`a`, pg`b`], pg` ${'sep'} `).text).to.equal('a $1 b');
  });

  it('join() of an empty list is an empty fragment', () => {
    const statement = my`SELECT 1${my.join([])}`;
    expect(statement.text).to.equal('SELECT 1');
    expect(statement.values).to.deep.equal([]);
  });

  it('id() quotes identifiers per engine, doubling embedded quotes and backticks', () => {
    expect(pg`SELECT * FROM ${pg.id('users')}`.text).to.equal('SELECT * FROM "users"');
    expect(pg.id('we"ird').text).to.equal('"we""ird"');
    expect(lite.id('we"ird').text).to.equal('"we""ird"');
    expect(my.id('we`ird').text).to.equal('`we``ird`');
    expect(my.id('a"b').text).to.equal('`a"b`');
    expect(ora.id('ORDERS').text).to.equal('"ORDERS"');
  });

  it('id() splits a string at dots and keeps array parts whole', () => {
    expect(pg.id('app.users').text).to.equal('"app"."users"');
    expect(my.id('app.users').text).to.equal('`app`.`users`');
    expect(pg.id(['app', 'odd.name']).text).to.equal('"app"."odd.name"');
  });

  it('id() refuses NUL, empty names and empty parts, and Oracle names it cannot quote', () => {
    for (const sql of [pg, my, lite, ora]) {
      expect(codeOf(() => sql.id('a\u0000b'))).to.equal('UNIPOOL_INVALID_ARGUMENT');
      expect(codeOf(() => sql.id(''))).to.equal('UNIPOOL_INVALID_ARGUMENT');
      expect(codeOf(() => sql.id('app.'))).to.equal('UNIPOOL_INVALID_ARGUMENT');
      expect(codeOf(() => sql.id([]))).to.equal('UNIPOOL_INVALID_ARGUMENT');
      expect(codeOf(() => sql.id(42 as unknown as string))).to.equal('UNIPOOL_INVALID_ARGUMENT');
    }
    expect(codeOf(() => ora.id('a"b'))).to.equal('UNIPOOL_INVALID_ARGUMENT');
  });

  it('raw() inserts text as it is, and only strings', () => {
    const direction = 'DESC';
    expect(pg`SELECT * FROM t ORDER BY id ${pg.raw(direction)} LIMIT ${10}`.text).to.equal('SELECT * FROM t ORDER BY id DESC LIMIT $1');
    expect(codeOf(() => pg.raw({ toString: () => 'x' } as unknown as string))).to.equal('UNIPOOL_INVALID_ARGUMENT');
  });

  it('values that look like SQL stay values, however they are quoted', () => {
    const attempts = ["'; DROP TABLE t; --", '$1', '?', ':1', '`', '"', '\\', '\u0000'];
    for (const attempt of attempts) {
      const statement = pg`SELECT ${attempt} AS v WHERE ${pg`x = ${attempt}`}`;
      expect(statement.text).to.equal('SELECT $1 AS v WHERE x = $2');
      expect(statement.values).to.deep.equal([attempt, attempt]);
    }
  });

  it('refuses a fragment built for another engine, nested or joined', () => {
    expect(codeOf(() => pg`SELECT ${my`1`}`)).to.equal('UNIPOOL_INVALID_ARGUMENT');
    expect(codeOf(() => pg.join([lite`a`]))).to.equal('UNIPOOL_INVALID_ARGUMENT');
    expect(codeOf(() => pg.join([1, 2], ora`,`))).to.equal('UNIPOOL_INVALID_ARGUMENT');
    // MySQL and SQLite both use "?", but quote identifiers differently.
    expect(codeOf(() => my`SELECT * FROM ${lite.id('t')}`)).to.equal('UNIPOOL_INVALID_ARGUMENT');
  });

  it('refuses a join() of something that is not an array, and a separator that is not SQL', () => {
    expect(codeOf(() => pg.join('abc' as unknown as unknown[]))).to.equal('UNIPOOL_INVALID_ARGUMENT');
    expect(codeOf(() => pg.join([1], 5 as unknown as string))).to.equal('UNIPOOL_INVALID_ARGUMENT');
  });

  it('statements are frozen', () => {
    const statement = pg`SELECT ${1}`;
    expect(Object.isFrozen(statement)).to.equal(true);
    expect(Object.isFrozen(statement.values)).to.equal(true);
  });
});
