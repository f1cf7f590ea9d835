import { expect } from 'chai';
import { uniqueTable } from '../../support/engines.js';
import { get, getAndAbort, startHttpServer, type Handler, type TestHttpServer } from '../../support/http-server.js';
import type { Database } from '../../../src/index.js';
import { closePoolsAfterEach, gate, openPool, useServerView, type OpenPool } from './server-view.js';

type Caught = { code?: string; message?: string };
const caught = (promise: Promise<unknown>): Promise<Caught> => promise.then(() => ({}), (error: unknown) => error as Caught);

const ROLLED_BACK = 'unipool: pool "default": a scope ended inside a manual transaction; it was rolled back';

describe('postgres: dbs.middleware() on a real node:http server', () => {
  const server = useServerView();
  let http: TestHttpServer | undefined;
  let table: string;
  let setup: Database | undefined;

  beforeEach(() => {
    table = uniqueTable('pgit_mw');
  });
  afterEach(async () => {
    await http?.close();
    http = undefined;
    await setup?.query(`DROP TABLE IF EXISTS ${table}`);
    setup = undefined;
  });
  // After the hook above: mocha runs afterEach hooks in the order they were registered.
  closePoolsAfterEach();

  async function serve(extra: Record<string, unknown>, handler: Handler): Promise<OpenPool & { url: string }> {
    const pool = openPool(extra);
    setup = pool.db;
    await pool.db.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY)`);
    http = await startHttpServer(pool.dbs.middleware(), handler);
    return { ...pool, url: http.url };
  }

  const committed = async (): Promise<number[]> => (await server().query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);

  it('holds a manual transaction across the handler\'s awaits ("idle in transaction"), released at COMMIT', async () => {
    const inserted = gate();
    const proceed = gate();
    const { db, name, url } = await serve({}, async (_req, res) => {
      const db = setup as Database;
      await db.query('BEGIN');
      await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
      inserted.open();
      await proceed.wait;
      await db.query('COMMIT');
      res.end(`inUse=${db.stats().inUse}`);
    });
    const answer = get(url);
    await inserted.wait;
    expect(db.stats().inUse).to.equal(1);
    expect(await server().states(name)).to.deep.equal(['idle in transaction']);
    expect(await committed()).to.deep.equal([]);
    proceed.open();
    expect(await answer).to.deep.equal({ status: 200, body: 'inUse=0' });
    expect(await committed()).to.deep.equal([1]);
  });

  it('ends the scope on "finish": a transaction the handler left open is rolled back, the backend idle', async () => {
    const { db, name, url, warnings } = await serve({}, async (_req, res) => {
      const db = setup as Database;
      await db.query('BEGIN');
      await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
      res.end('forgot to commit');
    });
    expect(await get(url)).to.deep.equal({ status: 200, body: 'forgot to commit' });
    await server().waitFor(name, (backends) => backends.length === 1 && backends[0]?.state === 'idle');
    expect(db.stats().inUse).to.equal(0);
    expect(await committed()).to.deep.equal([]);
    expect(warnings).to.deep.equal([ROLLED_BACK]);
  });

  it('ends the scope on "close" when the client aborts: the held connection is rolled back and released at once', async () => {
    const holding = gate();
    const { db, name, url, warnings } = await serve({}, async () => {
      const db = setup as Database;
      await db.query('BEGIN');
      await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
      holding.open();
      // The handler never answers; the client gives up.
      await new Promise(() => undefined);
    });
    await getAndAbort(url, holding.wait);
    await server().waitFor(name, (backends) => backends.length === 1 && backends[0]?.state === 'idle');
    expect(db.stats().inUse).to.equal(0);
    expect(await committed()).to.deep.equal([]);
    expect(warnings).to.deep.equal([ROLLED_BACK]);
  });

  it('after a client abort rolled the transaction back, the handler\'s next statement fails with UNIPOOL_TX_ENDED instead of autocommitting', async () => {
    const holding = gate();
    const resume = gate();
    const outcome = gate();
    let results: Caught[] = [];
    const { db, name, url } = await serve({}, async () => {
      const db = setup as Database;
      await db.query('BEGIN');
      await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
      holding.open();
      await resume.wait;
      // The handler carries on, unaware that its client left and its transaction is gone.
      results = [await caught(db.query(`INSERT INTO ${table} (id) VALUES (2)`)), await caught(db.query('COMMIT'))];
      outcome.open();
    });
    await getAndAbort(url, holding.wait);
    await server().waitFor(name, (backends) => backends.length === 1 && backends[0]?.state === 'idle');
    resume.open();
    await outcome.wait;
    // Row 2 without row 1 would be half a transaction committed.
    expect(await committed()).to.deep.equal([]);
    expect(results.map((r) => r.code)).to.deep.equal(['UNIPOOL_TX_ENDED', 'UNIPOOL_TX_ENDED']);
    expect(db.stats().inUse).to.equal(0);
  });

  it('release: "request" holds one connection per request for the whole request; asap holds none between queries', async () => {
    for (const release of ['request', 'asap'] as const) {
      const queried = [gate(), gate(), gate()];
      const proceed = gate();
      let next = 0;
      const { db, name, url } = await serve({ release, pool: { max: 5 } }, async (_req, res) => {
        const db = setup as Database;
        const me = next++;
        const first = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        queried[me]?.open();
        await proceed.wait;
        const second = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        res.end(String(first.rows[0]?.pid === second.rows[0]?.pid));
      });
      const answers = Promise.all([get(url), get(url), get(url)]);
      await Promise.all(queried.map((g) => g.wait));
      const backends = await server().backends(name);
      if (release === 'request') {
        expect(db.stats().inUse).to.equal(3);
        // Held by their requests, yet not in a transaction: the server sees three idle backends.
        expect(backends.filter((b) => b.query === 'SELECT pg_backend_pid() AS pid').map((b) => b.state)).to.deep.equal(['idle', 'idle', 'idle']);
      } else {
        expect(db.stats().inUse).to.equal(0);
      }
      proceed.open();
      const bodies = (await answers).map((a) => a.body);
      // In request mode each request ran both statements on its own backend.
      if (release === 'request') expect(bodies).to.deep.equal(['true', 'true', 'true']);
      await server().waitFor(name, () => db.stats().inUse === 0);
      expect(db.stats().acquired).to.equal(release === 'request' ? 3 + 1 : 6 + 1); // + the CREATE TABLE
      await http?.close();
      http = undefined;
      await db.query(`DROP TABLE ${table}`);
    }
  });
});
