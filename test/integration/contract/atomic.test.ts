import { expect } from 'chai';
import { ENGINES, uniqueTable, sleep, type EngineUnderTest } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';
import type { Database } from '../../../src/index.js';

async function withTable(engine: EngineUnderTest, db: Database, body: (table: string) => Promise<void>): Promise<void> {
  const table = uniqueTable('atomic');
  await db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`);
  try {
    await body(table);
  } finally {
    await db.query(`DROP TABLE ${table}`);
  }
}

async function ids(db: Database, table: string): Promise<number[]> {
  const { rows } = await db.query(`SELECT id FROM ${table} ORDER BY id`);
  return rows.map((r) => Number(Object.values(r)[0]));
}

for (const engine of ENGINES) {
  const p = engine.p;
  describe(`${engine.engine}: atomic`, () => {
    closeDatabasesAfterEach();

    it('commits on success and releases the connection afterwards', async () => {
      const { db } = openDatabase(engine);
      await withTable(engine, db, async (table) => {
        const value = await db.atomic(async () => {
          await db.query(`INSERT INTO ${table} (id, n) VALUES (${p(1)}, 0)`, [1]);
          expect(db.stats().inUse).to.equal(1);
          return 'done';
        });
        expect(value).to.equal('done');
        expect(db.stats().inUse).to.equal(0);
        expect(await ids(db, table)).to.deep.equal([1]);
      });
    });

    it('rolls back on a throw and re-throws the same error', async () => {
      const { db } = openDatabase(engine);
      await withTable(engine, db, async (table) => {
        const boom = new Error('boom');
        const caught = await db
          .atomic(async () => {
            await db.query(`INSERT INTO ${table} (id, n) VALUES (1, 0)`);
            throw boom;
          })
          .catch((e: unknown) => e);
        expect(caught).to.equal(boom);
        expect(await ids(db, table)).to.deep.equal([]);
        expect(db.stats().inUse).to.equal(0);
      });
    });

    it('nests with savepoints: an inner rollback keeps the outer work', async () => {
      const { db } = openDatabase(engine);
      await withTable(engine, db, async (table) => {
        await db.atomic(async () => {
          await db.query(`INSERT INTO ${table} (id, n) VALUES (1, 0)`);
          await db
            .atomic(async () => {
              await db.query(`INSERT INTO ${table} (id, n) VALUES (2, 0)`);
              throw new Error('inner');
            })
            .catch(() => undefined);
          await db.atomic(async () => {
            await db.query(`INSERT INTO ${table} (id, n) VALUES (3, 0)`);
          });
        });
        expect(await ids(db, table)).to.deep.equal([1, 3]);
      });
    });

    it('runs Promise.all queries inside one atomic() on the transaction connection', async () => {
      const { db } = openDatabase(engine, { pool: { max: 3 } });
      await withTable(engine, db, async (table) => {
        await db.atomic(async () => {
          await Promise.all([1, 2, 3, 4].map((id) => db.query(`INSERT INTO ${table} (id, n) VALUES (${p(1)}, 0)`, [id])));
          expect(db.stats().inUse).to.equal(1);
        });
        expect(await ids(db, table)).to.deep.equal([1, 2, 3, 4]);
      });
    });

    it('serialises concurrent nested atomic() blocks of one transaction', async () => {
      const { db } = openDatabase(engine);
      await withTable(engine, db, async (table) => {
        const events: string[] = [];
        await db.atomic(async () => {
          await Promise.all(
            [1, 2, 3].map((id) =>
              db.atomic(async () => {
                events.push(`start ${id}`);
                await db.query(`INSERT INTO ${table} (id, n) VALUES (${p(1)}, 0)`, [id]);
                await sleep(5);
                if (id === 2) {
                  events.push(`fail ${id}`);
                  throw new Error('second fails');
                }
                events.push(`end ${id}`);
              }).catch(() => undefined),
            ),
          );
        });
        expect(events).to.deep.equal(['start 1', 'end 1', 'start 2', 'fail 2', 'start 3', 'end 3']);
        expect(await ids(db, table)).to.deep.equal([1, 3]);
      });
    });

    it('gives concurrent atomic() blocks in different contexts their own connections, isolated', async () => {
      const { db } = openDatabase(engine, { pool: { max: 3 } });
      await withTable(engine, db, async (table) => {
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        const writer = db.atomic(async () => {
          await db.query(`INSERT INTO ${table} (id, n) VALUES (7, 0)`);
          await gate;
        });
        await sleep(20);
        const seenOutside = await ids(db, table);
        const seenInOtherTx = await db.atomic({ readOnly: true }, () => ids(db, table));
        release();
        await writer;
        expect(seenOutside).to.deep.equal([]);
        expect(seenInOtherTx).to.deep.equal([]);
        expect(await ids(db, table)).to.deep.equal([7]);
      });
    });

    it('runs onCommit callbacks after the outermost COMMIT and release, in order', async () => {
      const { db } = openDatabase(engine);
      const calls: string[] = [];
      await db.atomic(async () => {
        db.onCommit(() => calls.push(`first, inUse=${db.stats().inUse}`));
        await db.atomic(async () => {
          db.onCommit(() => calls.push('nested'));
        });
        calls.push('body done');
      });
      expect(calls).to.deep.equal(['body done', 'first, inUse=0', 'nested']);
    });

    it('drops onCommit callbacks of a rolled-back savepoint or transaction', async () => {
      const { db } = openDatabase(engine);
      const calls: string[] = [];
      await db.atomic(async () => {
        db.onCommit(() => calls.push('outer'));
        await db.atomic(async () => {
          db.onCommit(() => calls.push('inner'));
          throw new Error('x');
        }).catch(() => undefined);
      });
      await db.atomic(async () => {
        db.onCommit(() => calls.push('never'));
        throw new Error('y');
      }).catch(() => undefined);
      expect(calls).to.deep.equal(['outer']);
    });

    it('runs onCommit at once outside a transaction and reports callback errors without throwing', async () => {
      const warnings: string[] = [];
      const { db } = openDatabase(engine);
      const onWarning = (w: Error): void => void warnings.push(w.message);
      process.on('warning', onWarning);
      try {
        let ran = false;
        db.onCommit(() => (ran = true));
        expect(ran).to.equal(true);
        await db.atomic(async () => {
          db.onCommit(() => {
            throw new Error('callback broke');
          });
        });
        await sleep(5);
        expect(warnings.some((w) => w.includes('an onCommit callback threw') && w.includes('callback broke'))).to.equal(true);
        expect(db.stats().inUse).to.equal(0);
      } finally {
        process.off('warning', onWarning);
      }
    });

    it('rejects durable: true inside another block, and isolation in a nested block', async () => {
      const { db } = openDatabase(engine);
      await db.atomic(async () => {
        const durable = await db.atomic({ durable: true }, async () => undefined).catch((e: unknown) => e);
        expect(durable).to.have.property('code', 'UNIPOOL_TX_NESTED_DURABLE');
        const nestedIsolation = await db.atomic({ readOnly: true }, async () => undefined).catch((e: unknown) => e);
        expect(nestedIsolation).to.have.property('code', 'UNIPOOL_TX_OPTIONS_NESTED');
      });
      expect(await db.atomic({ durable: true }, async () => 'ok')).to.equal('ok');
    });

    it('honours every isolation level the engine declares, and refuses the others', async () => {
      const { db } = openDatabase(engine);
      const all = ['read uncommitted', 'read committed', 'repeatable read', 'serializable'] as const;
      for (const isolation of all) {
        const outcome = await db.atomic({ isolation }, async () => 'ran').catch((e: { code?: string }) => e.code);
        expect(outcome).to.equal(db.capabilities.isolationLevels.includes(isolation) ? 'ran' : 'UNIPOOL_UNSUPPORTED');
      }
    });

    it('makes a read-only transaction refuse writes', async () => {
      const { db } = openDatabase(engine);
      await withTable(engine, db, async (table) => {
        const error = await db.atomic({ readOnly: true }, () => db.query(`INSERT INTO ${table} (id, n) VALUES (1, 0)`)).catch((e: unknown) => e);
        expect(error).to.be.instanceOf(Error);
        expect(await ids(db, table)).to.deep.equal([]);
        expect(db.stats().inUse).to.equal(0);
      });
    });

    it('throws UNIPOOL_TX_ENDED for a query that outlives its atomic() block', async () => {
      const { db } = openDatabase(engine);
      let late: Promise<unknown> | undefined;
      await db.atomic(async () => {
        late = sleep(20).then(() => db.query(engine.select('1 AS one')));
      });
      const error = await late?.catch((e: unknown) => e);
      expect(error).to.have.property('code', 'UNIPOOL_TX_ENDED');
    });
  });
}
