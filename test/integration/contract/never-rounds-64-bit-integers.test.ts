import { expect } from 'chai';
import type { Database } from '../../../src/index.js';
import { ENGINES, uniqueTable, type EngineUnderTest } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

/** 2^53 + 1: the first integer a JS number cannot hold (Number() rounds it to 2^53). */
const BEYOND = '9007199254740993';
const MAX_SAFE = '9007199254740991';

/** A 64-bit integer typed column in each dialect. */
function bigintColumn(engine: EngineUnderTest): string {
  return engine.engine === 'oracle' ? 'NUMBER(19)' : engine.engine === 'sqlite' ? 'INTEGER' : 'BIGINT';
}

/** The single value of a one-row, one-column result (Oracle upper-cases unquoted names). */
async function only(db: Database, sql: string, params?: unknown[]): Promise<unknown> {
  const { rows } = await db.query(sql, params);
  expect(rows).to.have.length(1);
  const values = Object.values(rows[0] ?? {});
  expect(values).to.have.length(1);
  return values[0];
}

async function errorOf(running: Promise<unknown>): Promise<{ code?: string; message: string }> {
  const error = await running.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a rejection').to.be.instanceOf(Error);
  return error as { code?: string; message: string };
}

for (const engine of ENGINES) {
  describe(`${engine.engine}: 64-bit integers are never rounded`, () => {
    closeDatabasesAfterEach();
    const count = engine.select('count(*) AS c');

    /** A table holding 1, 2^53 − 1 and 2^53 + 1 in a 64-bit column, dropped by the caller. */
    async function withBigTable(db: Database): Promise<string> {
      const table = uniqueTable('int64');
      await db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, v ${bigintColumn(engine)})`);
      // Inserted as SQL literals so the test does not depend on how bigints bind.
      await db.query(`INSERT INTO ${table} (id, v) VALUES (1, 1)`);
      await db.query(`INSERT INTO ${table} (id, v) VALUES (2, ${MAX_SAFE})`);
      await db.query(`INSERT INTO ${table} (id, v) VALUES (3, ${BEYOND})`);
      return table;
    }

    it('int64 "number" (the default): count(*) is a number, and a value beyond 2^53 throws UNIPOOL_VALUE_OUT_OF_RANGE naming the column', async () => {
      const { db } = openDatabase(engine);
      expect(await only(db, count)).to.equal(1);
      const table = await withBigTable(db);
      try {
        expect(await only(db, `SELECT v FROM ${table} WHERE id = 2`)).to.equal(Number(MAX_SAFE));
        const error = await errorOf(db.query(`SELECT id, v AS big_value FROM ${table} ORDER BY id`));
        expect(error.code).to.equal('UNIPOOL_VALUE_OUT_OF_RANGE');
        expect(error.message).to.match(/column "big_value"/i);
        expect(error.message).to.include(BEYOND);
        // The connection is fine and back in the pool.
        expect(db.stats().inUse).to.equal(0);
        expect(await only(db, `SELECT v FROM ${table} WHERE id = 1`)).to.equal(1);
      } finally {
        await db.query(`DROP TABLE ${table}`);
      }
    });

    it('int64 "number": stream() checks every row too', async () => {
      const { db } = openDatabase(engine);
      const table = await withBigTable(db);
      try {
        const seen: unknown[] = [];
        const error = await errorOf(
          (async () => {
            for await (const row of db.stream(`SELECT v FROM ${table} ORDER BY id`, [], { batchSize: 1 })) seen.push(Object.values(row)[0]);
          })(),
        );
        expect(error.code).to.equal('UNIPOOL_VALUE_OUT_OF_RANGE');
        // Rows before the one that does not fit came through as numbers.
        expect(seen.every((value) => typeof value === 'number')).to.equal(true);
      } finally {
        await db.query(`DROP TABLE ${table}`);
      }
    });

    it('int64 "string": every 64-bit integer is its decimal text, exactly', async () => {
      const { db } = openDatabase(engine, { int64: 'string' });
      expect(await only(db, count)).to.equal('1');
      const table = await withBigTable(db);
      try {
        const { rows } = await db.query(`SELECT v FROM ${table} ORDER BY id`);
        expect(rows.map((row) => Object.values(row)[0])).to.deep.equal(['1', MAX_SAFE, BEYOND]);
        const streamed: unknown[] = [];
        for await (const row of db.stream(`SELECT v FROM ${table} ORDER BY id`)) streamed.push(Object.values(row)[0]);
        expect(streamed).to.deep.equal(['1', MAX_SAFE, BEYOND]);
      } finally {
        await db.query(`DROP TABLE ${table}`);
      }
    });

    it('int64 "bigint": every 64-bit integer is a BigInt, exactly', async () => {
      const { db } = openDatabase(engine, { int64: 'bigint' });
      expect(await only(db, count)).to.equal(1n);
      const table = await withBigTable(db);
      try {
        const { rows } = await db.query(`SELECT v FROM ${table} ORDER BY id`);
        expect(rows.map((row) => Object.values(row)[0])).to.deep.equal([1n, BigInt(MAX_SAFE), BigInt(BEYOND)]);
        const streamed: unknown[] = [];
        for await (const row of db.stream(`SELECT v FROM ${table} ORDER BY id`)) streamed.push(Object.values(row)[0]);
        expect(streamed).to.deep.equal([1n, BigInt(MAX_SAFE), BigInt(BEYOND)]);
        // And a bound bigint reaches the server exactly.
        expect(await only(db, `SELECT v FROM ${table} WHERE v = ${engine.p(1)}`, [BigInt(BEYOND)])).to.equal(BigInt(BEYOND));
      } finally {
        await db.query(`DROP TABLE ${table}`);
      }
    });

    it('a bound bigint beyond the signed 64-bit range is UNIPOOL_VALUE_OUT_OF_RANGE, not a server error or a rounded value', async () => {
      const { db } = openDatabase(engine);
      // MySQL also takes BIGINT UNSIGNED, up to 2^64 − 1.
      const tooBig = engine.engine === 'mysql' ? 2n ** 64n : 2n ** 63n;
      const error = await errorOf(db.query(engine.select(`${engine.p(1)} AS v`), [tooBig]));
      expect(error.code).to.equal('UNIPOOL_VALUE_OUT_OF_RANGE');
      expect(error.message).to.include('parameter 1');
      expect(db.stats().inUse).to.equal(0);
    });
  });
}
