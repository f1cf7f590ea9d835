import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabases, type Databases } from '../../../src/index.js';

/*
 * better-sqlite3 answers synchronously, so a statement outside a transaction gives its connection
 * back before the caller's promise settles: concurrent callers never queue behind each other, and
 * callers that did queue (behind a session, or at start-up) are served inside the release.
 */
describe('sqlite: statements answer without queueing', () => {
  let dir: string;
  let dbs: Databases<'default'> | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unipool-sync-'));
  });

  afterEach(async () => {
    await dbs?.close({ timeoutMs: 2000 });
    dbs = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves 64 concurrent queries on the one idle connection, opening no other', async () => {
    dbs = createDatabases({ default: { engine: 'sqlite', database: join(dir, 'a.sqlite3'), pool: { max: 10 } } });
    const db = dbs.default;
    await db.query('SELECT 1');
    const results = await Promise.all(Array.from({ length: 64 }, (_, i) => db.query<{ n: number }>('SELECT ? AS n', [i])));
    expect(results.map((r) => r.rows[0]?.n)).to.deep.equal(Array.from({ length: 64 }, (_, i) => i));
    const stats = db.stats();
    expect(stats.created).to.equal(1);
    expect(stats.acquired).to.equal(65);
    expect(stats.released).to.equal(65);
    expect(stats.inUse).to.equal(0);
  });

  it('answers 500 callers that queued behind a session, in order, each with its own result', async () => {
    dbs = createDatabases({ default: { engine: 'sqlite', database: join(dir, 'b.sqlite3'), pool: { max: 1 } } });
    const db = dbs.default;
    await db.query('CREATE TABLE seen (n INTEGER)');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const session = db.session(() => held);
    // Queued behind the session's connection; more than one release serves synchronously in a row.
    const waiting = Array.from({ length: 500 }, (_, i) => db.query('INSERT INTO seen (n) VALUES (?)', [i]).then(() => db.query<{ n: number }>('SELECT ? AS n', [i])));
    await new Promise((resolve) => setImmediate(resolve));
    expect(db.stats().waiting).to.equal(500);
    release();
    await session;
    const results = await Promise.all(waiting);
    expect(results.map((r) => r.rows[0]?.n)).to.deep.equal(Array.from({ length: 500 }, (_, i) => i));
    const { rows } = await db.query<{ n: number }>('SELECT n FROM seen ORDER BY rowid');
    expect(rows.map((r) => r.n)).to.deep.equal(Array.from({ length: 500 }, (_, i) => i));
    expect(db.stats().inUse).to.equal(0);
  });

  it('rejects a failing statement with the driver error and gives its connection back', async () => {
    dbs = createDatabases({ default: { engine: 'sqlite', database: join(dir, 'c.sqlite3'), pool: { max: 2 } } });
    const db = dbs.default;
    const error = await db.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
    expect((error as Error).message).to.contain('no such table');
    expect(db.stats().inUse).to.equal(0);
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
  });
});
