import { expect } from 'chai';
import { engineUnderTest, sleep } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

const sqlite = engineUnderTest('sqlite');

describe('sqlite: write transactions queue for each other in-process', () => {
  closeDatabasesAfterEach();

  it('runs 50 concurrent read-modify-write transactions that await between read and write, losing no update', async () => {
    // A busy timeout far longer than the test timeout: if a writer ever waited on SQLITE_BUSY
    // synchronously, the event loop would stall and the test would time out instead of passing.
    const { db } = openDatabase(sqlite, { pool: { max: 10 }, options: { timeout: 60_000 } });
    await db.query('CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
    await db.query('INSERT INTO counter (id, n) VALUES (1, 0)');
    const errors: unknown[] = [];
    await Promise.all(
      Array.from({ length: 50 }, () =>
        db
          .atomic(async () => {
            const { rows } = await db.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
            await sleep(1);
            await db.query('UPDATE counter SET n = ? WHERE id = 1', [(rows[0]?.n ?? 0) + 1]);
          })
          .catch((error: unknown) => errors.push(error)),
      ),
    );
    expect(errors).to.deep.equal([]);
    const { rows } = await db.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    expect(rows[0]?.n).to.equal(50);
    expect(db.stats().inUse).to.equal(0);
    expect(db.stats().size).to.be.at.most(10);
  });

  it('lets plain writes outside transactions wait for a transaction holding the write lock', async () => {
    const { db } = openDatabase(sqlite, { options: { timeout: 60_000 } });
    await db.query('CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, who TEXT NOT NULL)');
    const order: string[] = [];
    const tx = db.atomic(async () => {
      await db.query("INSERT INTO log (who) VALUES ('tx-1')");
      await sleep(30);
      await db.query("INSERT INTO log (who) VALUES ('tx-2')");
      order.push('tx committed');
    });
    await sleep(5);
    const plain = db.query("INSERT INTO log (who) VALUES ('plain')").then(() => order.push('plain written'));
    // Reads are never blocked by the writer (WAL).
    const { rows } = await db.query('SELECT count(*) AS n FROM log');
    order.push(`read saw ${String(rows[0]?.n)}`);
    await Promise.all([tx, plain]);
    expect(order).to.deep.equal(['read saw 0', 'tx committed', 'plain written']);
  });

  it('opens file databases in WAL mode', async () => {
    const { db } = openDatabase(sqlite);
    const { rows } = await db.query('PRAGMA journal_mode');
    expect(rows[0]).to.deep.equal({ journal_mode: 'wal' });
  });
});
