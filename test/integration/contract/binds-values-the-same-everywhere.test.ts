import { expect } from 'chai';
import { createDatabases, type Database, type DatabaseConfig } from '../../../src/index.js';
import { ENGINES, engineUnderTest, uniqueTable, type EngineUnderTest } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

async function errorOf(running: Promise<unknown>): Promise<{ code?: string; message: string }> {
  const error = await running.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a rejection').to.be.instanceOf(Error);
  return error as { code?: string; message: string };
}

/** Column types for a table of every shared bound type, per dialect. */
function columns(engine: EngineUnderTest): Record<string, string> {
  switch (engine.engine) {
    case 'postgres':
      return { b: 'BOOLEAN', d: 'TIMESTAMPTZ', bytes: 'BYTEA', big: 'BIGINT', n: 'INTEGER', t: 'TEXT' };
    case 'mysql':
      return { b: 'BOOLEAN', d: 'DATETIME(3)', bytes: 'BLOB', big: 'BIGINT', n: 'INTEGER', t: 'TEXT' };
    case 'oracle':
      return { b: 'NUMBER(1)', d: 'TIMESTAMP', bytes: 'BLOB', big: 'NUMBER(19)', n: 'NUMBER(10)', t: 'VARCHAR2(100)' };
    default:
      return { b: 'INTEGER', d: 'TEXT', bytes: 'BLOB', big: 'INTEGER', n: 'INTEGER', t: 'TEXT' };
  }
}

function lower(row: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row ?? {}).map(([key, value]) => [key.toLowerCase(), value]));
}

for (const engine of ENGINES) {
  describe(`${engine.engine}: bound values mean the same everywhere`, () => {
    closeDatabasesAfterEach();
    const p = engine.p;

    it('binds booleans, Dates, Buffers, Uint8Arrays, bigints, null and undefined, and they read back as the same values', async () => {
      const { db } = openDatabase(engine, { int64: 'bigint' });
      const table = uniqueTable('binds');
      const types = columns(engine);
      await db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, ${Object.entries(types).map(([name, type]) => `${name} ${type}`).join(', ')})`);
      try {
        const when = new Date(Date.UTC(2024, 1, 29, 12, 34, 56, 789));
        const insert = `INSERT INTO ${table} (id, b, d, bytes, big, n, t) VALUES (${[1, 2, 3, 4, 5, 6, 7].map(p).join(', ')})`;
        await db.query(insert, [1, true, when, Buffer.from([0, 1, 255]), 2n ** 62n, null, undefined]);
        await db.query(insert, [2, false, when, new Uint8Array([7, 8]), -5n, 3, 'x']);
        const { rows } = await db.query(`SELECT b, d, bytes, big, n, t FROM ${table} ORDER BY id`);
        const [first, second] = rows.map(lower);
        // Booleans: a boolean where the engine has one, 1/0 where it stores them as integers.
        expect([true, 1, 1n]).to.deep.include(first?.b);
        expect([false, 0, 0n]).to.deep.include(second?.b);
        // The Date's instant survives (SQLite stores the ISO-8601 text).
        const readBack = first?.d instanceof Date ? first.d.getTime() : Date.parse(String(first?.d));
        expect(readBack).to.equal(when.getTime());
        expect(Buffer.from(first?.bytes as Uint8Array)).to.deep.equal(Buffer.from([0, 1, 255]));
        expect(Buffer.from(second?.bytes as Uint8Array)).to.deep.equal(Buffer.from([7, 8]));
        expect(first?.big).to.equal(2n ** 62n);
        expect(second?.big).to.equal(-5n);
        expect(first?.n).to.equal(null);
        expect(first?.t).to.equal(null);
        // Booleans find the rows they were stored with.
        const { rows: trueRows } = await db.query(`SELECT id FROM ${table} WHERE b = ${p(1)}`, [true]);
        // (SQLite's INTEGER is 64-bit, so int64 "bigint" reads the id as a BigInt.)
        expect(trueRows.map((row) => Object.values(row)[0])).to.deep.equal([engine.engine === 'sqlite' ? 1n : 1]);
      } finally {
        await db.query(`DROP TABLE ${table}`);
      }
    });

    it('refuses functions, symbols, class instances, invalid Dates and db.sql fragments as values, naming the parameter', async () => {
      const { db } = openDatabase(engine);
      const select = engine.select(`${p(1)} AS a, ${p(2)} AS b`);
      const bad: unknown[] = [() => 1, Symbol('s'), new Map([[1, 2]]), new Date(Number.NaN), db.sql`1`, new (class Money {})()];
      for (const value of bad) {
        const error = await errorOf(db.query(select, ['fine', value]));
        expect(error.code, String(error.message)).to.equal('UNIPOOL_INVALID_ARGUMENT');
        expect(error.message).to.include('parameter 2');
        expect(error.message).to.not.include('function () => 1');
      }
      expect(db.stats().inUse).to.equal(0);
    });

    it('plain objects and arrays: JSON and arrays on PostgreSQL, refused elsewhere (never expanded into SQL)', async () => {
      const { db } = openDatabase(engine);
      const select = engine.select(`${p(1)} AS v`);
      if (engine.engine === 'postgres') {
        expect((await db.query('SELECT $1::jsonb AS v', [{ a: 1 }])).rows[0]?.v).to.deep.equal({ a: 1 });
        expect((await db.query('SELECT $1::int[] AS v', [[1, 2]])).rows[0]?.v).to.deep.equal([1, 2]);
        return;
      }
      for (const value of [{ a: 1 }, [1, 2]]) {
        const error = await errorOf(db.query(select, [value]));
        expect(error.code).to.equal('UNIPOOL_INVALID_ARGUMENT');
        expect(error.message).to.include('parameter 1');
      }
    });

    it('MySQL-style object expansion cannot turn a value into a WHERE bypass', async () => {
      const { db } = openDatabase(engine);
      const table = uniqueTable('bypass');
      await db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, secret ${columns(engine).t})`);
      try {
        await db.query(`INSERT INTO ${table} (id, secret) VALUES (1, 'hunter2')`);
        // With mysql2 alone, { secret: 1 } becomes `secret` = 1 — a comparison of the column with itself.
        const running = db.query(`SELECT id FROM ${table} WHERE secret = ${p(1)}`, [{ secret: 1 }]);
        if (engine.engine === 'postgres') {
          // PostgreSQL binds it as JSON text, which matches nothing.
          expect((await running).rows).to.deep.equal([]);
        } else {
          expect((await errorOf(running)).code).to.equal('UNIPOOL_INVALID_ARGUMENT');
        }
      } finally {
        await db.query(`DROP TABLE ${table}`);
      }
    });
  });

  describe(`${engine.engine}: db.sql composes without injection`, () => {
    closeDatabasesAfterEach();

    it('values with quotes, placeholders and comments stay values in nested fragments and join()', async () => {
      const { db } = openDatabase(engine);
      const attempts = ["O'Brien", "'; DROP TABLE users; --", '$1', '?', ':1', '`x`', '"x"', 'a\\', '/* c */'];
      for (const attempt of attempts) {
        const inner = db.sql`${attempt}`;
        const { rows } = await db.query(db.sql`SELECT ${inner} AS v, ${db.sql.join([attempt, 1])} ${db.sql.raw(engine.dual)}`);
        expect(lower(rows[0]).v).to.equal(attempt);
      }
    });

    it('db.sql.id() quotes names with quotes, backticks and spaces so they stay one identifier', async () => {
      const { db } = openDatabase(engine);
      const table = uniqueTable('ids');
      // Oracle cannot quote a double quote; the others double it.
      const names = engine.engine === 'oracle' ? ['we`ird', 'with space'] : ['we"ird', 'we`ird', 'with space', 'x"; DROP TABLE y; --'];
      await db.query(db.sql`CREATE TABLE ${db.sql.id(table)} (${db.sql.join(names.map((name) => db.sql`${db.sql.id(name)} INTEGER`))})`);
      try {
        await db.query(db.sql`INSERT INTO ${db.sql.id(table)} (${db.sql.join(names.map((name) => db.sql.id(name)))}) VALUES (${db.sql.join(names.map((_, i) => i + 1))})`);
        const { rows } = await db.query(db.sql`SELECT ${db.sql.join(names.map((name) => db.sql.id(name)))} FROM ${db.sql.id(table)}`);
        expect(Object.keys(rows[0] ?? {})).to.deep.equal(names);
        expect(Object.values(rows[0] ?? {}).map(Number)).to.deep.equal(names.map((_, i) => i + 1));
      } finally {
        await db.query(`DROP TABLE ${table}`);
      }
    });

    it('db.sql.id() refuses NUL, which would cut the name short', async () => {
      const { db } = openDatabase(engine);
      expect(() => db.sql.id('users\u0000; DROP TABLE x')).to.throw().with.property('code', 'UNIPOOL_INVALID_ARGUMENT');
    });

    it("a statement or fragment from another engine's database is refused", async () => {
      const { db } = openDatabase(engine);
      const other = engine.engine === 'sqlite' ? engineUnderTest('postgres') : engineUnderTest('sqlite');
      const otherDbs = createDatabases({ default: other.config() as unknown as DatabaseConfig });
      try {
        const foreign = (otherDbs.default as Database).sql`SELECT ${1} AS v`;
        expect((await errorOf(db.query(foreign))).code).to.equal('UNIPOOL_INVALID_ARGUMENT');
        expect(() => db.sql`SELECT * FROM (${foreign}) AS s`).to.throw().with.property('code', 'UNIPOOL_INVALID_ARGUMENT');
      } finally {
        await otherDbs.close();
      }
    });
  });
}
