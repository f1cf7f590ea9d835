import { expect } from 'chai';
import { engineUnderTest, uniqueTable } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

/** Without `replicas` (always, on SQLite), `db.replica` is the database itself: the same code runs everywhere. */
describe('sqlite: db.replica without replicas is the database', () => {
  closeDatabasesAfterEach();
  const sqlite = engineUnderTest('sqlite');

  it('runs query, stream, sql and atomic on the database; atomic is read-only; stats have no replicas', async () => {
    const { db } = openDatabase(sqlite);
    const table = uniqueTable('replica_none');
    await db.query(`CREATE TABLE ${table} (id INTEGER)`);
    await db.query(`INSERT INTO ${table} (id) VALUES (1), (2)`);
    expect((await db.replica.query(`SELECT id FROM ${table} ORDER BY id`)).rows).to.deep.equal([{ id: 1 }, { id: 2 }]);
    expect((await db.replica.query(db.replica.sql`SELECT id FROM ${db.replica.sql.id(table)} WHERE id = ${2}`)).rows).to.deep.equal([{ id: 2 }]);
    const streamed: unknown[] = [];
    for await (const row of db.replica.stream(`SELECT id FROM ${table} ORDER BY id`)) streamed.push(row);
    expect(streamed).to.deep.equal([{ id: 1 }, { id: 2 }]);
    const count = await db.replica.atomic(async () => (await db.replica.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);
    expect(count).to.equal(2);
    // Read-only by default: PRAGMA query_only refuses the write.
    const refused = await db.replica.atomic(() => db.replica.query(`INSERT INTO ${table} (id) VALUES (3)`)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).to.be.instanceOf(Error);
    expect((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows).to.deep.equal([{ n: 2 }]);
    const stats = db.stats();
    expect(stats.role).to.equal('primary');
    expect(stats).to.not.have.property('replicas');
    expect(db.capabilities.readReplicas).to.equal(false);
  });
});
