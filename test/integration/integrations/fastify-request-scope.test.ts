import { expect } from 'chai';
import Fastify, { type FastifyInstance } from 'fastify';
import { createDatabases, type DatabaseConfig, type Databases } from '../../../src/index.js';
import { unipoolFastify } from '../../../src/integrations/fastify/index.js';
import { ENGINES, sleep, uniqueTable, type EngineUnderTest } from '../../support/engines.js';

/** Transactions open on the server right now, seen from a separate unipool registry. */
async function openTransactions(engine: EngineUnderTest, probe: Databases<'default'>): Promise<number> {
  if (engine.engine === 'mysql') {
    const { rows } = await probe.default.query<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.innodb_trx WHERE trx_mysql_thread_id <> CONNECTION_ID()');
    return Number(rows[0]?.n);
  }
  const { rows } = await probe.default.query<{ n: string }>("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = 'test' AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()");
  return Number(rows[0]?.n);
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

for (const engine of ENGINES.filter((e) => e.engine !== 'oracle')) {
  describe(`${engine.engine}: unipool/fastify plugin`, () => {
    let app: FastifyInstance;
    let table: string;

    beforeEach(() => {
      table = uniqueTable('fastify');
    });

    afterEach(async () => {
      await app?.close();
    });

    it('serves 200 concurrent requests (query, 50 ms wait, query) on max: 5 with no timeout, then closes the pools with the app', async () => {
      app = Fastify();
      await app.register(unipoolFastify, { config: { default: engine.config({ pool: { max: 5, acquireTimeoutMs: 10_000 } }) as unknown as DatabaseConfig } });
      app.get('/work', async () => {
        const db = app.dbs.get('default');
        const first = await db.query(engine.select('1 AS one'));
        await sleep(50);
        const second = await db.query(engine.select('2 AS two'));
        return { one: Number(first.rows[0]?.one), two: Number(second.rows[0]?.two) };
      });
      const base = await listen(app);
      const responses = await Promise.all(Array.from({ length: 200 }, () => fetch(`${base}/work`).then(async (res) => ({ status: res.status, body: (await res.json()) as unknown }))));
      expect(responses.filter((r) => r.status === 200)).to.have.length(200);
      expect(responses.every((r) => JSON.stringify(r.body) === '{"one":1,"two":2}')).to.equal(true);
      const stats = app.dbs.get('default').stats();
      expect(stats.timeouts).to.equal(0);
      expect(stats.max).to.equal(5);
      expect(stats.size).to.be.at.most(5);
      const db = app.dbs.get('default');
      await app.close();
      const after = await db.query(engine.select('1 AS one')).catch((e: { code?: string }) => e.code);
      expect(after).to.equal('UNIPOOL_POOL_CLOSED');
    });

    it('runs each request in a scope, also after Fastify parsed a body: a manual BEGIN … COMMIT holds its connection', async () => {
      const dbs = createDatabases({ default: engine.config() as unknown as DatabaseConfig });
      app = Fastify();
      await app.register(unipoolFastify, { databases: dbs });
      expect(app.dbs).to.equal(dbs);
      await dbs.default.query(`CREATE TABLE ${table} (id INTEGER)`);
      app.post('/manual', async (request) => {
        const { id } = request.body as { id: number };
        await dbs.default.query('BEGIN');
        await dbs.default.query(`INSERT INTO ${table} (id) VALUES (${Number(id)})`);
        await dbs.default.query('COMMIT');
        return { ok: true };
      });
      const base = await listen(app);
      const res = await fetch(`${base}/manual`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 7 }) });
      expect(res.status).to.equal(200);
      expect((await dbs.default.query(`SELECT id FROM ${table}`)).rows.map((r) => Number(r.id))).to.deep.equal([7]);
      await dbs.default.query(`DROP TABLE ${table}`);
    });

    if (engine.engine !== 'sqlite') {
      it('a request that throws inside atomic() leaves no open transaction on the server', async () => {
        const probe = createDatabases({ default: engine.config({ pool: { max: 1 } }) as unknown as DatabaseConfig });
        try {
          app = Fastify();
          await app.register(unipoolFastify, { config: { default: engine.config() as unknown as DatabaseConfig } });
          await app.dbs.get('default').query(`CREATE TABLE ${table} (id INTEGER)`);
          app.get('/fails', async () => {
            await app.dbs.get('default').atomic(async () => {
              await app.dbs.get('default').query(`INSERT INTO ${table} (id) VALUES (1)`);
              await sleep(20);
              throw new Error('handler failed');
            });
          });
          const base = await listen(app);
          const statuses = await Promise.all(Array.from({ length: 10 }, () => fetch(`${base}/fails`).then((res) => res.status)));
          expect(statuses).to.deep.equal(Array.from({ length: 10 }, () => 500));
          expect(await openTransactions(engine, probe)).to.equal(0);
          expect((await app.dbs.get('default').query(`SELECT id FROM ${table}`)).rows).to.deep.equal([]);
          expect(app.dbs.get('default').stats().inUse).to.equal(0);
          await app.dbs.get('default').query(`DROP TABLE ${table}`);
        } finally {
          await probe.close();
        }
      });
    }
  });
}

describe('unipool/fastify plugin: who closes the databases', () => {
  const sqlite = ENGINES.find((e) => e.engine === 'sqlite');
  const config = (): DatabaseConfig => (sqlite ?? ENGINES[0])?.config() as unknown as DatabaseConfig;

  it('closes a registry it was given on fastify.close(), unless close: false', async () => {
    const closed = createDatabases({ default: config() });
    const kept = createDatabases({ default: config() });
    const first = Fastify();
    await first.register(unipoolFastify, { databases: closed });
    await first.close();
    expect(await closed.default.query('SELECT 1').catch((e: { code?: string }) => e.code)).to.equal('UNIPOOL_POOL_CLOSED');
    const second = Fastify();
    await second.register(unipoolFastify, { databases: kept, close: false });
    await second.close();
    expect((await kept.default.query('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
    await kept.close();
  });

  it('refuses close: false for databases it creates itself, and options without databases or config', async () => {
    const refused = await Promise.resolve(Fastify().register(unipoolFastify, { config: { default: config() }, close: false }).ready()).then(
      () => 'registered',
      (e: { code?: string }) => e.code,
    );
    expect(refused).to.equal('UNIPOOL_INVALID_ARGUMENT');
    const empty = await Promise.resolve(Fastify().register(unipoolFastify, {} as never).ready()).then(
      () => 'registered',
      (e: { code?: string }) => e.code,
    );
    expect(empty).to.equal('UNIPOOL_INVALID_ARGUMENT');
  });
});
