import { expect } from 'chai';
import { sleep, uniqueTable } from '../../support/engines.js';
import type { Database } from '../../../src/index.js';
import { closePoolsAfterEach, gate, openPool, useServerView, type ServerView } from './server-view.js';
import { withDocsLink } from '../../support/docs-link.js';

type Caught = { code?: string; message?: string };
const caught = (promise: Promise<unknown>): Promise<Caught> => promise.then(() => ({}), (error: unknown) => error as Caught);

async function withTable(db: Database, body: (table: string) => Promise<void>): Promise<void> {
  const table = uniqueTable('pgit_atomic');
  await db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY)`);
  try {
    await body(table);
  } finally {
    await db.query(`DROP TABLE ${table}`);
  }
}

async function committedIds(server: ServerView, table: string): Promise<number[]> {
  return (await server.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);
}

describe('postgres: atomic() as the server sees it', () => {
  closePoolsAfterEach();
  const server = useServerView();

  it('runs the transaction at each isolation level (SHOW transaction_isolation inside)', async () => {
    const { db } = openPool();
    const levels = ['read uncommitted', 'read committed', 'repeatable read', 'serializable'] as const;
    for (const isolation of levels) {
      const { rows } = await db.atomic({ isolation }, () => db.query('SHOW transaction_isolation'));
      // PostgreSQL reports the level asked for; it runs read uncommitted as read committed.
      expect(rows).to.deep.equal([{ transaction_isolation: isolation }]);
    }
    const { rows } = await db.atomic(() => db.query('SHOW transaction_isolation'));
    expect(rows).to.deep.equal([{ transaction_isolation: 'read committed' }]);
  });

  it('makes readOnly transactions read-only: a write fails with SQLSTATE 25006 and is rolled back', async () => {
    const { db, name } = openPool();
    await withTable(db, async (table) => {
      const error = await caught(
        db.atomic({ readOnly: true }, async () => {
          expect((await db.query('SHOW transaction_read_only')).rows).to.deep.equal([{ transaction_read_only: 'on' }]);
          await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
        }),
      );
      expect(error.code).to.equal('25006');
      expect(error.message).to.equal('cannot execute INSERT in a read-only transaction');
      expect(await committedIds(server(), table)).to.deep.equal([]);
      expect(await server().states(name)).to.deep.equal(['idle']);
      // The next transaction on the same connection is read-write again.
      expect((await db.atomic(() => db.query('SHOW transaction_read_only'))).rows).to.deep.equal([{ transaction_read_only: 'off' }]);
    });
  });

  it('runs Promise.all queries of one atomic() on one backend, in one transaction', async () => {
    const { db, name } = openPool({ pool: { max: 4 } });
    const seen = await db.atomic(() =>
      Promise.all(Array.from({ length: 6 }, () => db.query<{ pid: number; xid: string }>('SELECT pg_backend_pid() AS pid, txid_current()::text AS xid').then((r) => r.rows[0]))),
    );
    expect(new Set(seen.map((row) => row?.pid)).size).to.equal(1);
    expect(new Set(seen.map((row) => row?.xid)).size).to.equal(1);
    expect(db.stats().size).to.equal(1);
    expect((await server().backends(name)).map((b) => b.pid)).to.deep.equal([seen[0]?.pid]);
  });

  it('keeps uncommitted rows invisible to another session until COMMIT', async () => {
    const { db, name } = openPool();
    await withTable(db, async (table) => {
      const inserted = gate();
      const checked = gate();
      const tx = db.atomic(async () => {
        await db.query(`INSERT INTO ${table} (id) VALUES (1), (2)`);
        inserted.open();
        await checked.wait;
      });
      await inserted.wait;
      expect(await committedIds(server(), table)).to.deep.equal([]);
      const [backend] = await server().backends(name);
      expect(backend?.state).to.equal('idle in transaction');
      expect(backend?.xid).to.not.equal(null);
      checked.open();
      await tx;
      expect(await committedIds(server(), table)).to.deep.equal([1, 2]);
      expect(await server().states(name)).to.deep.equal(['idle']);
    });
  });

  it('rolls back a savepoint on the server: a duplicate key in a nested block keeps the outer rows', async () => {
    const { db } = openPool();
    await withTable(db, async (table) => {
      await db.atomic(async () => {
        await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
        const error = await caught(db.atomic(() => db.query(`INSERT INTO ${table} (id) VALUES (1)`)));
        expect(error.code).to.equal('23505');
        // Without the savepoint the transaction would now be aborted (25P02) and this would fail.
        await db.query(`INSERT INTO ${table} (id) VALUES (2)`);
      });
      expect(await committedIds(server(), table)).to.deep.equal([1, 2]);
    });
  });

  it('serialises concurrent nested atomic() blocks: a failing one never aborts its siblings', async () => {
    const { db } = openPool();
    await withTable(db, async (table) => {
      const outcomes = await db.atomic(() =>
        Promise.all(
          [1, 2, 3, 4].map((id) =>
            caught(
              db.atomic(async () => {
                await db.query(`INSERT INTO ${table} (id) VALUES ($1)`, [id]);
                await sleep(2);
                // Block 2 fails on the server. Were the blocks interleaved, a sibling's statement
                // would run in the aborted transaction and fail with 25P02.
                if (id === 2) await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
                await db.query('SELECT 1');
              }),
            ).then((error) => error.code ?? 'ok'),
          ),
        ),
      );
      expect(outcomes).to.deep.equal(['ok', '23505', 'ok', 'ok']);
      expect(await committedIds(server(), table)).to.deep.equal([1, 3, 4]);
    });
  });

  it('runs onCommit after the connection is released: the server shows it idle and the rows committed', async () => {
    const { db, name } = openPool();
    await withTable(db, async (table) => {
      const views: Promise<[string[], number[]]>[] = [];
      await db.atomic(async () => {
        await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
        db.onCommit(() => void views.push(Promise.all([server().states(name), committedIds(server(), table)])));
      });
      expect(views).to.have.length(1);
      expect(await views[0]).to.deep.equal([['idle'], [1]]);
      expect(db.stats().inUse).to.equal(0);
    });
  });

  it('throws UNIPOOL_TX_ABORTED when the body swallowed a failed statement, and commits nothing', async () => {
    const { db, name } = openPool();
    await withTable(db, async (table) => {
      const error = await caught(
        db.atomic(async () => {
          await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
          await db.query('SELECT 1 / 0').catch(() => undefined);
        }),
      );
      expect(error.code).to.equal('UNIPOOL_TX_ABORTED');
      expect(error.message).to.equal(
        withDocsLink('UNIPOOL_TX_ABORTED', 'postgres: COMMIT found the transaction aborted by an earlier failed statement, so the server rolled it back; nothing was committed. Let the error propagate out of atomic(), or wrap the statement that may fail in a nested atomic() (a savepoint) to continue after it.'),
      );
      expect(await committedIds(server(), table)).to.deep.equal([]);
      expect(await server().states(name)).to.deep.equal(['idle']);
      expect(db.stats().destroyed).to.equal(0);
    });
  });

  it('pins the messages of nested durable and nested options', async () => {
    const { db } = openPool();
    await db.atomic(async () => {
      const durable = await caught(db.atomic({ durable: true }, async () => undefined));
      expect(durable).to.include({
        code: 'UNIPOOL_TX_NESTED_DURABLE',
        message: withDocsLink('UNIPOOL_TX_NESTED_DURABLE', 'unipool: pool "default": atomic({ durable: true }) must be the outermost block, but it runs inside another atomic() block — remove durable, or call it outside any transaction so its COMMIT is final'),
      });
      const options = await caught(db.atomic({ isolation: 'serializable' }, async () => undefined));
      expect(options).to.include({
        code: 'UNIPOOL_TX_OPTIONS_NESTED',
        message: withDocsLink('UNIPOOL_TX_OPTIONS_NESTED', 'unipool: pool "default": a nested atomic() block cannot set isolation or readOnly — they belong to the outermost block; set them there, or drop them from the nested call'),
      });
    });
  });

  it('pins the message of a statement that outlives its atomic() block', async () => {
    const { db } = openPool();
    let late: Promise<Caught> | undefined;
    await db.atomic(async () => {
      late = caught(sleep(20).then(() => db.query('SELECT 1')));
    });
    expect(await late).to.include({
      code: 'UNIPOOL_TX_ENDED',
      message: withDocsLink('UNIPOOL_TX_ENDED', 'unipool: a statement ran after the atomic() block that held its connection had ended — await every query inside the block'),
    });
  });
});
