import { expect } from 'chai';
import pg from 'pg';
import { describeResult, describedQueryClass } from '../../../adapters/postgres/postgres-described-query.js';
import type { PgQueryConstructor, PgResult } from '../../../adapters/postgres/postgres-driver-types.js';
import type { Database } from '../../../src/index.js';
import { openPipelined, serverCheck, settleAll, spyOnClients, teach, usePipelinedTable } from './pipelining-support.js';

type Caught = { code?: string; message?: string };
type Parser = (text: string) => unknown;

/** pg's type registry, with the lookup @types/pg leaves out of `pg.types`' overloads we need. */
const types = pg.types as unknown as { getTypeParser(oid: number, format: 'text'): Parser; setTypeParser(oid: number, parser: Parser): void };

/** Sets pg's global text parser of `oid` for the length of `fn`, then puts the original back. */
async function withTypeParser<T>(oid: number, parser: Parser, fn: () => Promise<T>): Promise<T> {
  const original = types.getTypeParser(oid, 'text');
  types.setTypeParser(oid, parser);
  try {
    return await fn();
  } finally {
    types.setTypeParser(oid, original);
  }
}

/**
 * Counts the RowDescription messages the server sends these clients from now on: one answers each
 * Describe, so none means every statement ran from a kept description.
 */
function countRowDescriptions(clients: Iterable<pg.Client>): () => number {
  let count = 0;
  for (const client of clients) (client as unknown as { connection: { on(event: string, fn: () => void): void } }).connection.on('rowDescription', () => count++);
  return () => count;
}

/**
 * A statement whose result description a connection already knows runs with no Describe: the rows
 * are built from the kept description with the client's type parsers. These compare every such
 * run with what pg itself returns, and check that the description is never used once it is wrong.
 */
describe('postgres: described statements (no Describe once a statement is known)', function () {
  this.timeout(30_000);
  let table: string;
  usePipelinedTable('described', (name) => (table = name));

  // Every column type whose text form pg parses differently (or not at all), and every kind of
  // parameter pg encodes differently: a Buffer makes the Bind use binary format codes, multibyte
  // text changes the byte lengths the Bind writes, null is length -1.
  const EVERY_TYPE = `SELECT $1::int4 AS i4, $2::int8 AS i8, $3::numeric AS num, $4::bool AS flag, $5::timestamptz AS at,
    $6::json AS j, $7::jsonb AS jb, $8::bytea AS bytes, $9::int[] AS ints, $10::text AS words,
    'zß水🙂'::text AS literal, NULL::int AS nothing, $11::text AS null_param, octet_length($8::bytea) AS byte_count`;
  const everyTypeParams = (i: number): unknown[] => [
    i,
    String(9_007_199_254_740_993n + BigInt(i)),
    `${i}.0123456789`,
    i % 2 === 0,
    new Date(Date.UTC(2024, 1, 29, 12, 34, 56, i % 1000)),
    { n: i, s: 'ß水', list: [1, null, 'x'] },
    { k: '🙂', i },
    Buffer.from([0, i % 256, 0xff, 0x80, 0x0a]),
    [i, null, -i],
    `zß水🙂 ${i}`,
    null,
  ];

  it('returns the same rows and fields as pg for every type, first run, pipelined and in atomic()', async () => {
    // int64 'string' is pg's own int8 mapping, so the rows compare as they are.
    const spy = spyOnClients();
    const db = openPipelined({ pool: { max: 2 }, int64: 'string' });
    const indexes = Array.from({ length: 200 }, (_, i) => i);
    const expected = await serverCheck(async (c) => {
      const out = [];
      for (const i of indexes) out.push(await c.query(EVERY_TYPE, everyTypeParams(i)));
      return out;
    });
    const check = (result: Awaited<ReturnType<Database['query']>>, i: number, how: string): void => {
      const pgResult = expected[i] as pg.QueryResult;
      expect(result.rows, `${how} ${i}`).to.deep.equal(pgResult.rows);
      expect(result.fields, `${how} ${i}`).to.deep.equal(pgResult.fields.map((f) => ({ name: f.name, type: f.dataTypeID })));
      expect(result.rowCount, `${how} ${i}`).to.equal(pgResult.rowCount);
    };
    // The values are what the types say (not only equal to pg's): a wrong parser on both sides would pass otherwise.
    const first = await db.query(EVERY_TYPE, everyTypeParams(7));
    check(first, 7, 'first run');
    const row = first.rows[0] as Record<string, unknown>;
    expect(row['i8']).to.equal('9007199254741000');
    expect(row['at']).to.be.instanceOf(Date);
    expect(row['bytes']).to.deep.equal(Buffer.from([0, 7, 0xff, 0x80, 0x0a]));
    expect(row['byte_count']).to.equal(5);
    expect(row['ints']).to.deep.equal([7, null, -7]);
    expect(row['words']).to.equal('zß水🙂 7');
    expect(row['literal']).to.equal('zß水🙂');

    let concurrent;
    try {
      concurrent = await Promise.all(indexes.map((i) => db.query(EVERY_TYPE, everyTypeParams(i))));
    } finally {
      spy.restore();
    }
    concurrent.forEach((result, i) => check(result, i, 'pipelined'));

    // From here on every connection knows the statement: the rows below are built from the kept
    // description (a statement that fell back to pg's own Query would compare equal without
    // proving anything).
    const rowDescriptions = countRowDescriptions(spy.clients);
    await db.atomic(async () => {
      for (const i of indexes.slice(0, 40)) check(await db.query(EVERY_TYPE, everyTypeParams(i)), i, 'in atomic()');
    });
    // Alone again, after the transaction (the description outlives it).
    for (const i of indexes.slice(100, 120)) check(await db.query(EVERY_TYPE, everyTypeParams(i)), i, 'alone');
    expect(rowDescriptions(), 'RowDescriptions received after the statement was described').to.equal(0);
    expect(db.stats().inUse).to.equal(0);
  });

  // pg builds each row from a null-prototype template, so every column name — "__proto__"
  // included — is an own property of the row. A row built on a plain object literal would treat
  // "__proto__" as the prototype setter: the column would vanish, or (for a json value) become the
  // row's prototype.
  it('a column named __proto__ is an own property of the row, as pg returns it', async () => {
    const db = openPipelined({ pool: { max: 1 } });
    const select = `SELECT $1::jsonb AS "__proto__", $2::text AS "constructor", $3::int AS n`;
    const params = (i: number): unknown[] => [{ injected: true }, 'c', i];
    const expected = await serverCheck((c) => c.query(select, params(1)));
    expect(Object.keys(expected.rows[0] as object)).to.deep.equal(['__proto__', 'constructor', 'n']);
    await teach(db, 1, select, params);
    const runs = [...(await Promise.all([1, 1].map((i) => db.query(select, params(i))))), await db.query(select, params(1))];
    for (const [k, result] of runs.entries()) {
      const row = result.rows[0] as Record<string, unknown>;
      expect(Object.getPrototypeOf(row), `run ${k}: the row's prototype`).to.equal(Object.prototype);
      expect(Object.keys(row), `run ${k}`).to.deep.equal(['__proto__', 'constructor', 'n']);
      expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value, `run ${k}`).to.deep.equal({ injected: true });
    }
  });

  it('sends no Describe once a statement is described: no RowDescription on its pipelined runs or in atomic(); a new text still gets one', async () => {
    const spy = spyOnClients();
    try {
      const db = openPipelined({ pool: { max: 2 } });
      const select = `SELECT id, a FROM ${table} WHERE id = $1`;
      await teach(db, 2, select, (i) => [1 + (i % 100)]);
      const clients = [...spy.clients];
      // Every connection the pool holds is counted (none opens later: the pool is at its max).
      expect(clients.length).to.equal(db.stats().size);
      const rowDescriptions = countRowDescriptions(clients);

      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => db.query<{ id: number; a: number }>(select, [1 + (i % 100)])));
      results.forEach((r, i) => expect(r.rows).to.deep.equal([{ id: 1 + (i % 100), a: (1 + (i % 100)) * 10 }]));
      expect(rowDescriptions(), 'pipelined runs').to.equal(0);

      await db.atomic(async () => {
        for (let i = 1; i <= 20; i++) expect((await db.query(select, [i])).rows).to.deep.equal([{ id: i, a: i * 10 }]);
      });
      expect(rowDescriptions(), 'runs in atomic()').to.equal(0);

      // The counter does count: another text's first run is described by the server.
      expect((await db.query(`SELECT a FROM ${table} WHERE id = $1`, [3])).rows).to.deep.equal([{ a: 30 }]);
      expect(rowDescriptions(), 'another text').to.equal(1);
    } finally {
      spy.restore();
    }
  });

  it('applies a type parser set after the statement was described, pipelined and alone', async () => {
    const db = openPipelined({ pool: { max: 2 } });
    const select = `SELECT id, a FROM ${table} WHERE id = $1`;
    await teach(db, 2, select, (i) => [1 + (i % 100)]);
    // int4 (oid 23), as text: the description says int4, the parser is looked up per run.
    await withTypeParser(23, (text) => `int4:${text}`, async () => {
      const pipelined = await Promise.all(Array.from({ length: 100 }, (_, i) => db.query(select, [i + 1])));
      pipelined.forEach((r, i) => expect(r.rows, `pipelined ${i}`).to.deep.equal([{ id: `int4:${i + 1}`, a: `int4:${(i + 1) * 10}` }]));
      expect((await db.query(select, [4])).rows, 'alone').to.deep.equal([{ id: 'int4:4', a: 'int4:40' }]);
      const inAtomic = await db.atomic(() => db.query(select, [5]));
      expect(inAtomic.rows, 'in atomic()').to.deep.equal([{ id: 'int4:5', a: 'int4:50' }]);
    });
    // And the original parser again once it is restored.
    expect((await db.query(select, [6])).rows).to.deep.equal([{ id: 6, a: 60 }]);
  });

  // DDL that changes a cached statement's result type (a column renamed, or retyped) makes the
  // server refuse the prepared statement (0A000): the kept description must go with it.
  const changes = [
    {
      what: 'renamed (same type)',
      first: (t: string) => `ALTER TABLE ${t} RENAME COLUMN a TO b`,
      afterFirst: (id: number) => ({ id, b: id * 10 }),
      second: (t: string) => `ALTER TABLE ${t} RENAME COLUMN b TO c`,
      afterSecond: (id: number) => ({ id, c: id * 10 }),
    },
    {
      what: 'retyped',
      first: (t: string) => `ALTER TABLE ${t} ALTER COLUMN a TYPE text`,
      afterFirst: (id: number) => ({ id, a: String(id * 10) }),
      second: (t: string) => `ALTER TABLE ${t} ALTER COLUMN a TYPE numeric(10, 1) USING a::numeric / 4`,
      afterSecond: (id: number) => ({ id, a: (id * 2.5).toFixed(1) }),
    },
  ];
  for (const change of changes) {
    it(`a column ${change.what} while cached: later runs answer in the new shape; inside atomic() the caller gets 0A000 and a retry works`, async () => {
      const db = openPipelined({ pool: { max: 1 } });
      const select = `SELECT * FROM ${table} WHERE id = $1`;
      await teach(db, 1, select, (i) => [1 + (i % 100)]);
      await serverCheck((c) => c.query(change.first(table)));
      // Outside a transaction the statement is prepared again: the server's new description, never the kept one.
      const pipelined = await Promise.all(Array.from({ length: 100 }, (_, i) => db.query(select, [i + 1])));
      pipelined.forEach((r, i) => expect(r.rows, `statement ${i}`).to.deep.equal([change.afterFirst(i + 1)]));
      for (let id = 1; id <= 5; id++) expect((await db.query(select, [id])).rows, `alone ${id}`).to.deep.equal([change.afterFirst(id)]);

      await serverCheck((c) => c.query(change.second(table)));
      let caught: Caught | undefined;
      try {
        await db.atomic(async () => {
          await db.query('SELECT 1');
          await db.query(select, [8]);
        });
      } catch (error) {
        caught = error as Caught;
      }
      expect(caught?.code, caught?.message).to.equal('0A000');
      expect((caught as { hint?: string } | undefined)?.hint).to.match(/retrying the transaction works/);
      // The entry went with the error: the retried transaction is described afresh.
      const retried = await db.atomic(() => db.query(select, [8]));
      expect(retried.rows).to.deep.equal([change.afterSecond(8)]);
      const after = await Promise.all(Array.from({ length: 50 }, (_, i) => db.query(select, [i + 1])));
      after.forEach((r, i) => expect(r.rows, `after ${i}`).to.deep.equal([change.afterSecond(i + 1)]));
      expect(db.stats().inUse).to.equal(0);
    });
  }

  it('a parser that throws on one value fails that statement only; the pool is left whole', async () => {
    const db = openPipelined({ pool: { max: 1 } });
    // date (oid 1082): used by no other statement here, so the throwing parser stays in this one.
    const select = 'SELECT $1::date AS d, $2::int AS n';
    const day = (i: number): string => `2024-01-${String(1 + (i % 28)).padStart(2, '0')}`;
    await teach(db, 1, select, (i) => [day(i), i]);
    const refused = new Error('refused by the test parser');
    await withTypeParser(1082, (text) => {
      if (text === '2024-01-13') throw refused;
      return `date:${text}`;
    }, async () => {
      const outcomes = await settleAll(Array.from({ length: 28 }, (_, i) => db.query(select, [day(i), i])));
      outcomes.forEach((outcome, i) => {
        if (i === 12) {
          expect(outcome.status, 'the refused value').to.equal('rejected');
          if (outcome.status === 'rejected') expect(outcome.reason).to.equal(refused);
        } else {
          expect(outcome.status, `statement ${i}`).to.equal('fulfilled');
          if (outcome.status === 'fulfilled') expect(outcome.value.rows).to.deep.equal([{ d: `date:${day(i)}`, n: i }]);
        }
      });
      // Alone, too.
      let caught: unknown;
      await db.query(select, ['2024-01-13', 0]).catch((error: unknown) => (caught = error));
      expect(caught).to.equal(refused);
    });
    expect(db.stats().inUse).to.equal(0);
    expect((await db.query<{ d: Date; n: number }>(select, ['2024-01-13', 5])).rows[0]?.n).to.equal(5);
    const next = await Promise.all(Array.from({ length: 20 }, (_, i) => db.query<{ n: number }>(select, [day(i), i])));
    expect(next.map((r) => r.rows[0]?.n)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i));
  });

  describe('rowCount and command of described runs', () => {
    // Each run gets fresh ids from a counter: every INSERT adds 3 rows, every DELETE removes 1,
    // every UPDATE changes 4, and the SELECT finds none, however often they run.
    let counter = 0;
    const statements = (t: string): { sql: string; params: () => unknown[] }[] => [
      { sql: `INSERT INTO ${t} (id, a) SELECT g, $2::int FROM generate_series($1::int, $1::int + 2) AS g`, params: () => [1000 + ++counter * 10, counter] },
      { sql: `UPDATE ${t} SET a = a + $2 WHERE id BETWEEN $1 AND $1 + 3`, params: () => [1 + (++counter % 90), 1] },
      { sql: `DELETE FROM ${t} WHERE id = $1`, params: () => [1 + (++counter % 100)] },
      { sql: `SELECT id, a FROM ${t} WHERE id < $1`, params: () => [0] },
    ];

    it('rowCount of INSERT, UPDATE, DELETE and a SELECT of no rows equals pg\'s, pipelined and alone', async () => {
      const db = openPipelined({ pool: { max: 1 } });
      for (const { sql, params } of statements(table)) {
        await teach(db, 1, sql, params);
        const expectedCount = await serverCheck(async (c) => {
          await c.query('BEGIN');
          const result = await c.query(sql, params());
          await c.query('ROLLBACK');
          return result.rowCount;
        });
        expect(expectedCount, sql).to.equal(sql.startsWith('INSERT') ? 3 : sql.startsWith('UPDATE') ? 4 : sql.startsWith('DELETE') ? 1 : 0);
        const results = await Promise.all(Array.from({ length: 5 }, () => db.query(sql, params())));
        results.forEach((r) => expect(r.rowCount, sql).to.equal(expectedCount));
        expect((await db.query(sql, params())).rowCount, sql).to.equal(expectedCount);
      }
    });

    it('command and rowCount from a DescribedQuery equal pg\'s own Query for the same prepared statement', async () => {
      // unipool's results carry no command; the query object pg hands its callback does.
      const Described = describedQueryClass(pg.Query as unknown as PgQueryConstructor);
      await serverCheck(async (c) => {
        for (const [k, { sql, params }] of statements(table).entries()) {
          const name = `described_test_${k}`;
          const values = params();
          // Both runs rolled back: pg's and the described one change the same rows.
          await c.query('BEGIN');
          const again = await c.query({ name, text: sql, values });
          await c.query('ROLLBACK');
          const description = describeResult(again as unknown as PgResult, again.fields.length > 0);
          expect(description, sql).to.not.equal(undefined);
          const encoded = values.map((v) => (pg as unknown as { utils: { prepareValue(v: unknown): unknown } }).utils.prepareValue(v));
          await c.query('BEGIN');
          const described = await new Promise<{ command: string | null; rowCount: number | null; rows: unknown[] }>((resolve, reject) => {
            const query = new Described(sql, name, encoded, description!, (error, result) => (error ? reject(error) : resolve(result as never)));
            void c.query(query as never);
          });
          await c.query('ROLLBACK');
          expect(described.command, sql).to.equal(again.command);
          expect(described.rowCount, sql).to.equal(again.rowCount);
          expect(described.rows, sql).to.deep.equal(again.rows);
        }
      });
    });
  });

  it('statementCacheSize: 0 names nothing, so nothing is described: every run still answers right', async () => {
    const db = openPipelined({ pool: { max: 2 }, statementCacheSize: 0 });
    const select = `SELECT id, a FROM ${table} WHERE id = $1`;
    await teach(db, 2, select, (i) => [1 + (i % 100)]);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => db.query(select, [i + 1])));
    results.forEach((r, i) => expect(r.rows).to.deep.equal([{ id: i + 1, a: (i + 1) * 10 }]));
    expect((await db.atomic(() => db.query(select, [9]))).rows).to.deep.equal([{ id: 9, a: 90 }]);
    const prepared = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'unipool\\_%'");
    expect(prepared.rows).to.deep.equal([{ n: 0 }]);
  });
});
