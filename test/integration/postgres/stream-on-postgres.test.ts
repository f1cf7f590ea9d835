import { expect } from 'chai';
import { uniqueTable } from '../../support/engines.js';
import { backendPid, closePoolsAfterEach, openPool, useServerView } from './server-view.js';
import { withDocsLink } from '../../support/docs-link.js';

type Caught = { code?: string; message?: string };

const SERIES = 'SELECT g AS n FROM generate_series(1, 10000) AS g';

describe('postgres: stream() over a pg-cursor portal, as the server sees it', () => {
  closePoolsAfterEach();
  const server = useServerView();

  it('holds one backend while the loop runs (portal suspended: "active"), and after a break the server shows it idle with no portal', async () => {
    const { db, name } = openPool({ pool: { max: 1 } });
    const pid = await backendPid(db);
    const seen: number[] = [];
    for await (const row of db.stream<{ n: number }>(SERIES, [], { batchSize: 50 })) {
      seen.push(row.n);
      if (seen.length === 1) {
        expect(db.stats().inUse).to.equal(1);
        // Between fetches the backend waits inside the portal's implicit transaction: no
        // ReadyForQuery has been sent, so it is still "active" on the cursor's statement.
        expect(await server().backends(name)).to.deep.equal([{ pid, state: 'active', xid: null, query: SERIES }]);
      }
      if (seen.length === 120) break;
    }
    expect(seen).to.have.length(120);
    expect(seen.at(-1)).to.equal(120);
    expect(db.stats().inUse).to.equal(0);
    const [backend] = await server().backends(name);
    expect([backend?.pid, backend?.state]).to.deep.equal([pid, 'idle']);
    // The next borrower (same backend) finds no open portal, and nothing was destroyed.
    expect((await db.query('SELECT name FROM pg_cursors')).rows).to.deep.equal([]);
    expect(await backendPid(db)).to.equal(pid);
    expect(db.stats().destroyed).to.equal(0);
  });

  it('releases on a normal end and on a throw in the loop body, the backend idle each time', async () => {
    const { db, name } = openPool({ pool: { max: 1 } });
    let count = 0;
    for await (const _row of db.stream(SERIES, [], { batchSize: 1000 })) count++;
    expect(count).to.equal(10000);
    expect(db.stats().inUse).to.equal(0);
    expect(await server().states(name)).to.deep.equal(['idle']);

    const error = await (async (): Promise<Error | undefined> => {
      for await (const row of db.stream<{ n: number }>(SERIES, [], { batchSize: 10 })) if (row.n === 15) throw new Error('consumer failed');
      return undefined;
    })().catch((e: unknown) => e as Error);
    expect(error?.message).to.equal('consumer failed');
    expect(db.stats().inUse).to.equal(0);
    expect(await server().states(name)).to.deep.equal(['idle']);
    expect(db.stats().destroyed).to.equal(0);
  });

  it('throws a server error raised mid-stream (22012 at row 250) from the loop, and keeps the connection', async () => {
    const { db, name } = openPool({ pool: { max: 1 } });
    const pid = await backendPid(db);
    let count = 0;
    const error = await (async (): Promise<Caught | undefined> => {
      for await (const _row of db.stream('SELECT 1 / (250 - g) AS x FROM generate_series(1, 1000) AS g', [], { batchSize: 100 })) count++;
      return undefined;
    })().catch((e: unknown) => e as Caught);
    expect(error?.code).to.equal('22012');
    expect(count).to.equal(200);
    expect(db.stats().inUse).to.equal(0);
    expect((await server().backends(name)).map((b) => [b.pid, b.state])).to.deep.equal([[pid, 'idle']]);
    expect(await backendPid(db)).to.equal(pid);
  });

  it('inside atomic(): streams on the transaction backend and sees its uncommitted rows', async () => {
    const { db, name } = openPool({ pool: { max: 3 } });
    const table = uniqueTable('pgit_stream');
    await db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY)`);
    try {
      await db.atomic(async () => {
        await db.query(`INSERT INTO ${table} (id) SELECT g FROM generate_series(1, 30) AS g`);
        const pid = await backendPid(db);
        const ids: number[] = [];
        for await (const row of db.stream<{ id: number; pid: number }>(`SELECT id, pg_backend_pid() AS pid FROM ${table} ORDER BY id`, [], { batchSize: 7 })) {
          expect(row.pid).to.equal(pid);
          ids.push(row.id);
        }
        expect(ids).to.have.length(30);
        expect(await server().query(`SELECT count(*)::int AS n FROM ${table}`)).to.deep.equal([{ n: 0 }]);
        expect(await server().states(name)).to.deep.equal(['idle in transaction']);
      });
      expect(await server().query(`SELECT count(*)::int AS n FROM ${table}`)).to.deep.equal([{ n: 30 }]);
    } finally {
      await db.query(`DROP TABLE ${table}`);
    }
  });

  it('refuses a query on the held connection while a loop is open, with a message that says what to do', async () => {
    const { db } = openPool();
    await db.session(async () => {
      for await (const _row of db.stream(SERIES, [], { batchSize: 5 })) {
        const error = await db.query('SELECT 1').catch((e: unknown) => e as Caught);
        expect(error).to.include({
          code: 'UNIPOOL_CONNECTION_BUSY',
          message:
            withDocsLink('UNIPOOL_CONNECTION_BUSY', 'unipool: a stream() loop is still open on this connection, so a statement now would wait for the loop forever — finish (or break out of) the loop first, or collect the rows you need and query after it'),
        });
        break;
      }
      expect((await db.query('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
    });
  });

  it('a backend terminated mid-stream fails the loop, is destroyed, and the pool recovers on a new backend', async () => {
    const { db, name } = openPool({ pool: { max: 1 } });
    const pid = await backendPid(db);
    const error = await (async () => {
      for await (const row of db.stream<{ n: number }>(SERIES, [], { batchSize: 10 })) {
        if (row.n === 5) {
          await server().terminate(name, pid);
          await server().waitFor(name, (backends) => backends.length === 0);
        }
      }
    })().catch((e: unknown) => e as Caught);
    expect(error).to.be.instanceOf(Error);
    expect(db.stats().inUse).to.equal(0);
    expect(db.stats().destroyed).to.equal(1);
    const next = await backendPid(db);
    expect(next).to.not.equal(pid);
  });
});
