import { expect } from 'chai';
import { ENGINES, uniqueTable } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';
import { withDocsLink } from '../../support/docs-link.js';

for (const engine of ENGINES) {
  describe(`${engine.engine}: query shape`, () => {
    closeDatabasesAfterEach();

    it('returns rows, rowCount and fields for a SELECT', async () => {
      const { db } = openDatabase(engine);
      const result = await db.query(engine.select("1 AS one, 'a' AS letter"));
      expect(result.rows).to.have.length(1);
      expect(Object.values(result.rows[0] ?? {})).to.have.length(2);
      expect(result.rowCount).to.equal(1);
      expect(result.fields?.map((f) => f.name.toLowerCase())).to.deep.equal(['one', 'letter']);
    });

    it('returns rowCount = rows affected for INSERT, UPDATE and DELETE', async () => {
      const { db } = openDatabase(engine);
      const table = uniqueTable('shape');
      await db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`);
      try {
        const p = engine.p;
        expect((await db.query(`INSERT INTO ${table} (id, n) VALUES (${p(1)}, ${p(2)})`, [1, 10])).rowCount).to.equal(1);
        await db.query(`INSERT INTO ${table} (id, n) VALUES (${p(1)}, ${p(2)})`, [2, 20]);
        const update = await db.query(`UPDATE ${table} SET n = n + 1`);
        expect(update.rowCount).to.equal(2);
        expect(update.rows).to.deep.equal([]);
        expect((await db.query(`DELETE FROM ${table} WHERE id = ${p(1)}`, [1])).rowCount).to.equal(1);
        const { rows } = await db.query<{ n: number }>(`SELECT n FROM ${table}`);
        expect(rows.map((r) => Number(Object.values(r)[0]))).to.deep.equal([21]);
      } finally {
        await db.query(`DROP TABLE ${table}`);
      }
    });

    it('compiles db.sql templates to the engine placeholders and binds the values', async () => {
      const { db } = openDatabase(engine);
      const name = "O'Brien; DROP TABLE x --";
      // A template whose text carries this engine's dialect (FROM dual on Oracle).
      const parts = ['SELECT ', ` AS v${engine.dual}`];
      const statement = db.sql(Object.assign([...parts], { raw: parts }) as unknown as TemplateStringsArray, name);
      expect(statement.text).to.equal(`SELECT ${engine.p(1)} AS v${engine.dual}`);
      expect(statement.values).to.deep.equal([name]);
      const { rows } = await db.query(statement);
      expect(Object.values(rows[0] ?? {})[0]).to.equal(name);
    });

    it('passes driver errors through unchanged and keeps the pool usable', async () => {
      const { db } = openDatabase(engine);
      let caught: unknown;
      await db.query('SELECT * FROM no_such_table_anywhere').catch((error: unknown) => (caught = error));
      expect(caught).to.be.instanceOf(Error);
      expect(db.stats().inUse).to.equal(0);
      expect((await db.query(engine.select('2 AS two'))).rowCount).to.equal(1);
    });

    it('rejects a non-string statement with UNIPOOL_INVALID_ARGUMENT', async () => {
      const { db } = openDatabase(engine);
      const error = await db.query(42 as unknown as string).catch((e: unknown) => e);
      expect(error).to.have.property('code', 'UNIPOOL_INVALID_ARGUMENT');
      expect((error as Error).message).to.equal(withDocsLink('UNIPOOL_INVALID_ARGUMENT', 'db.query(sql): sql must be a string or a db.sql`…` statement, got number'));
    });
  });
}

for (const engine of ENGINES) {
  describe(`${engine.engine}: insert ids`, () => {
    closeDatabasesAfterEach();

    it('reports the generated id on the INSERT result where the engine has one (a later LAST_INSERT_ID() may use another connection)', async function () {
      const { db } = openDatabase(engine);
      if (!db.capabilities.insertId) return void this.skip();
      const table = uniqueTable('insertid');
      await db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY ${engine.autoIncrement}, name VARCHAR(20))`);
      try {
        const first = await db.query(`INSERT INTO ${table} (name) VALUES ('a')`);
        const second = await db.query(`INSERT INTO ${table} (name) VALUES ('b')`);
        expect(Number(second.insertId)).to.equal(Number(first.insertId) + 1);
        const update = await db.query(`UPDATE ${table} SET name = 'c'`);
        expect(update.insertId).to.equal(undefined);
      } finally {
        await db.query(`DROP TABLE ${table}`);
      }
    });
  });
}
