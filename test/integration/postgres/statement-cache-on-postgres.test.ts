import { expect } from 'chai';
import { uniqueTable } from '../../support/engines.js';
import { usePgBouncer, type RunningPgBouncer } from '../../support/pgbouncer.js';
import { createDatabases, type Database, type Databases } from '../../../src/index.js';

const URL = 'postgres://postgres@127.0.0.1:5432/test';
type Caught = { code?: string; hint?: string; message?: string };

/** unipool's prepared statements on the connection that runs this (a pool of one, so always the same). */
async function preparedCount(db: Database): Promise<number> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'unipool\\_%'");
  return rows[0]?.n ?? -1;
}

describe('postgres: statementCacheSize (named prepared statements per connection)', function () {
  this.timeout(120_000);
  let dbs: Databases<'default'> | undefined;
  let table: string;
  const open = (extra: Record<string, unknown> = {}): Database => {
    dbs = createDatabases({ default: { engine: 'postgres', url: URL, pool: { max: 1 }, ...extra } });
    return dbs.default;
  };

  beforeEach(() => {
    table = uniqueTable('pgit_stmt');
  });
  afterEach(async () => {
    if (dbs !== undefined) {
      await dbs.default.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
      await dbs.close({ timeoutMs: 2000 });
    }
    dbs = undefined;
  });

  it('prepares a statement with parameters once and reuses it; statements without parameters stay unnamed', async () => {
    const db = open();
    for (let i = 0; i < 5; i++) expect((await db.query<{ n: number }>('SELECT $1::int AS n', [i])).rows).to.deep.equal([{ n: i }]);
    await db.query('SELECT 1');
    expect(await preparedCount(db)).to.equal(1);
  });

  it('prepares nothing with statementCacheSize: 0', async () => {
    const db = open({ statementCacheSize: 0 });
    for (let i = 0; i < 3; i++) await db.query('SELECT $1::int AS n', [i]);
    expect(await preparedCount(db)).to.equal(0);
  });

  it('keeps pg_prepared_statements bounded: 10,000 distinct statements through a cache of 100', async () => {
    const db = open({ statementCacheSize: 100 });
    for (let i = 0; i < 10_000; i++) {
      const { rows } = await db.query<{ n: number }>(`SELECT $1::int + ${i} AS n`, [1]);
      if (rows[0]?.n !== i + 1) expect.fail(`statement ${i} answered ${JSON.stringify(rows)}`);
    }
    // The 100 cached, plus the one evicted last: its DEALLOCATE runs before the next statement with parameters.
    expect(await preparedCount(db)).to.equal(101);
    await db.query('SELECT $1::int + 9999 AS n', [1]);
    expect(await preparedCount(db)).to.equal(100);
  });

  it('re-prepares after DDL changed the result type, outside a transaction, without an error', async () => {
    const db = open();
    await db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, a int)`);
    await db.query(`INSERT INTO ${table} VALUES (1, 10)`);
    const select = `SELECT * FROM ${table} WHERE id = $1`;
    expect((await db.query(select, [1])).rows).to.deep.equal([{ id: 1, a: 10 }]);
    await db.query(`ALTER TABLE ${table} ADD COLUMN b text DEFAULT 'x'`);
    expect((await db.query(select, [1])).rows).to.deep.equal([{ id: 1, a: 10, b: 'x' }]);
    expect((await db.query(select, [1])).rows).to.deep.equal([{ id: 1, a: 10, b: 'x' }]);
  });

  it('inside a transaction lets the stale-statement error reach the caller with a hint; the retried transaction works', async () => {
    const db = open();
    await db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, a int)`);
    await db.query(`INSERT INTO ${table} VALUES (1, 10)`);
    const select = `SELECT * FROM ${table} WHERE id = $1`;
    await db.query(select, [1]);
    await db.query(`ALTER TABLE ${table} ALTER COLUMN a TYPE text`);
    const error = await db.atomic(() => db.query(select, [1])).then(() => ({}) as Caught, (e: unknown) => e as Caught);
    expect(error.code).to.equal('0A000');
    expect(error.hint).to.contain('statementCacheSize');
    const { rows } = await db.atomic(() => db.query(select, [1]));
    expect(rows).to.deep.equal([{ id: 1, a: '10' }]);
  });

  it('is dropped by DISCARD ALL (the reset after session()), and statements still run afterwards', async () => {
    const db = open();
    await db.query('SELECT $1::int AS n', [1]);
    await db.session(async () => {
      await db.query("SET application_name = 'stmt-cache'");
    });
    expect(await preparedCount(db)).to.equal(0);
    expect((await db.query('SELECT $1::int AS n', [2])).rows).to.deep.equal([{ n: 2 }]);
    expect(await preparedCount(db)).to.equal(1);
  });

  it('survives a DISCARD ALL run by hand inside a session', async () => {
    const db = open();
    await db.session(async () => {
      await db.query('SELECT $1::int AS n', [1]);
      await db.query('DISCARD ALL');
      expect((await db.query('SELECT $1::int AS n', [2])).rows).to.deep.equal([{ n: 2 }]);
    });
    expect((await db.query('SELECT $1::int AS n', [3])).rows).to.deep.equal([{ n: 3 }]);
  });

  describe('behind PgBouncer 1.18 in transaction mode', () => {
    let bouncer: RunningPgBouncer;
    usePgBouncer({ poolMode: 'transaction', defaultPoolSize: 2 }, (started) => (bouncer = started));

    // With named statements, a transaction landing on a server connection where another client
    // prepared the same statement fails with 42P05 (this is how the suite failed before the check).
    it('notices the pooler and prepares nothing by default: concurrent statements and transactions all succeed', async () => {
      dbs = createDatabases({ default: { engine: 'postgres', url: bouncer.url, pool: { max: 6 } } });
      const db = dbs.default;
      await db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, n int NOT NULL)`);
      await db.query(`INSERT INTO ${table} SELECT g, 0 FROM generate_series(1, 20) g`);
      await Promise.all(
        Array.from({ length: 24 }, async (_, k) => {
          for (let i = 0; i < 10; i++) {
            expect((await db.query<{ n: number }>('SELECT $1::int AS n', [k * 100 + i])).rows).to.deep.equal([{ n: k * 100 + i }]);
            await db.atomic(async () => {
              await db.query(`SELECT n FROM ${table} WHERE id = $1 FOR UPDATE`, [(k % 20) + 1]);
              await db.query(`UPDATE ${table} SET n = n + 1 WHERE id = $1`, [(k % 20) + 1]);
            });
          }
        }),
      );
      const { rows } = await db.query<{ total: number }>(`SELECT sum(n)::int AS total FROM ${table}`);
      expect(rows).to.deep.equal([{ total: 240 }]);
    });
  });
});
