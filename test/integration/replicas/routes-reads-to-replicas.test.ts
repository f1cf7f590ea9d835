import { expect } from 'chai';
import { inspect } from 'node:util';
import { createDatabases, type Databases } from '../../../src/index.js';
import { engineUnderTest, eventually, sleep, uniqueTable } from '../../support/engines.js';
import { parsePrometheusText, samplesOf } from '../../support/prometheus-parser.js';
import { startPrivateMariadb, startPrivatePostgres, type PrivateServer } from '../../support/private-servers.js';

/**
 * Routing and fallback of `db.replica` against real servers. The primary is the shared server; the
 * "replica" is a private server of the same engine that the test may stop and start. It is not a
 * replicated copy (routing does not depend on replication; the PostgreSQL standby suite proves
 * reads on a real standby): each read says which server answered it by its port.
 */
const CASES = [
  {
    engine: 'postgres' as const,
    start: startPrivatePostgres,
    primaryPort: 5432,
    port: 'SELECT inet_server_port() AS port',
    slowPort: 'SELECT pg_sleep(3), inet_server_port() AS port',
    findSlow: "SELECT pid AS id FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(3)%'",
  },
  {
    engine: 'mysql' as const,
    start: startPrivateMariadb,
    primaryPort: 3306,
    port: 'SELECT @@port AS port',
    slowPort: 'SELECT SLEEP(3), @@port AS port',
    findSlow: "SELECT id FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(3)%'",
  },
];

for (const { engine, start, primaryPort, port, slowPort, findSlow } of CASES) {
  describe(`${engine}: db.replica routes reads to a replica and falls back to the primary`, function () {
    this.timeout(120_000);
    const under = engineUnderTest(engine);
    let replica: PrivateServer;
    let dbs: Databases<'default'> | undefined;
    const warnings: string[] = [];

    before(async () => {
      replica = await start();
    });
    after(async () => {
      await replica?.destroy();
    });
    afterEach(async () => {
      await dbs?.close({ timeoutMs: 2000 });
      dbs = undefined;
      warnings.length = 0;
    });

    function open(extra: Record<string, unknown> = {}): Databases<'default'> {
      dbs = createDatabases({ default: under.config({ replicas: [{ url: replica.url }], pool: { max: 5 }, ...extra }) } as never, { logger: { warn: (message) => warnings.push(message) } }) as unknown as Databases<'default'>;
      return dbs;
    }
    const portOf = async (run: Promise<{ rows: Record<string, unknown>[] }>): Promise<number> => Number((await run).rows[0]?.['port']);

    it('runs db.replica.query, .stream and .atomic on the replica, and db.query on the primary', async () => {
      const db = open().default;
      expect(await portOf(db.replica.query(port))).to.equal(replica.port);
      expect(await portOf(db.replica.query(db.replica.sql.raw(port)))).to.equal(replica.port);
      expect(await portOf(db.query(port))).to.equal(primaryPort);
      const streamed: number[] = [];
      for await (const row of db.replica.stream<{ port: number }>(port)) streamed.push(Number(row.port));
      expect(streamed).to.deep.equal([replica.port]);
      const inside = await db.replica.atomic(() => portOf(db.replica.query(port)));
      expect(inside).to.equal(replica.port);
      const stats = db.stats();
      expect(stats.role).to.equal('primary');
      expect(stats.replicas).to.have.length(1);
      expect(stats.replicas?.[0]).to.include({ role: 'replica', replica: `127.0.0.1:${replica.port}`, healthy: true, downs: 0, inUse: 0 });
      expect(stats.replicas?.[0]?.acquired).to.equal(4);
      // Released as soon as possible, like the primary's pool.
      expect(stats.replicas?.[0]?.idle).to.be.greaterThan(0);
    });

    it('inside db.atomic() and db.session() on the primary, db.replica uses the held connection and reads its own writes', async () => {
      const db = open().default;
      const table = uniqueTable('replicas');
      await db.query(`CREATE TABLE ${table} (id INTEGER)`);
      try {
        const seen = await db.atomic(async () => {
          await db.query(`INSERT INTO ${table} (id) VALUES (42)`);
          const read = await db.replica.query<{ id: number }>(`SELECT id FROM ${table}`);
          return { ids: read.rows.map((row) => Number(row.id)), port: await portOf(db.replica.query(port)) };
        });
        expect(seen).to.deep.equal({ ids: [42], port: primaryPort });
        const sessionPort = await db.session(() => portOf(db.replica.query(port)));
        expect(sessionPort).to.equal(primaryPort);
        // A read-only block nested in the primary transaction is a savepoint in it.
        const nested = await db.atomic(() => db.replica.atomic(() => portOf(db.replica.query(port))));
        expect(nested).to.equal(primaryPort);
        expect(db.stats().replicas?.[0]?.acquired).to.equal(0);
      } finally {
        await db.query(`DROP TABLE ${table}`);
      }
    });

    it("with release: 'request', a request scope holds one replica connection for its replica reads and gives it back when it ends", async () => {
      const registry = open({ release: 'request' });
      const db = registry.default;
      const seen = await registry.scope(async () => {
        const ids = [];
        for (let i = 0; i < 3; i++) ids.push(Number((await db.replica.query<{ id: number }>(under.backendId!)).rows[0]?.id));
        return { ids, inUse: db.stats().replicas?.[0]?.inUse, port: await portOf(db.replica.query(port)) };
      });
      expect(new Set(seen.ids).size, 'one connection for the scope').to.equal(1);
      expect(seen).to.include({ inUse: 1, port: replica.port });
      expect(db.stats().replicas?.[0]).to.include({ inUse: 0, acquired: 1, released: 1 });
    });

    it('db.replica.atomic() is read-only on the replica and refuses readOnly: false', async () => {
      const db = open().default;
      const table = uniqueTable('replicas_ro');
      // Created on the replica server itself (autocommit), so the read-only block has a table to be refused a write to.
      await db.replica.query(`CREATE TABLE ${table} (id INTEGER)`);
      try {
        const error = await db.replica.atomic(() => db.replica.query(`INSERT INTO ${table} (id) VALUES (1)`)).then(
          () => undefined,
          (caught: unknown) => caught as Error,
        );
        expect(error, 'a write in a read-only transaction').to.be.instanceOf(Error);
        expect((await db.replica.query(`SELECT id FROM ${table}`)).rows).to.deep.equal([]);
      } finally {
        await db.replica.query(`DROP TABLE ${table}`);
      }
      const refused = await db.replica.atomic({ readOnly: false }, () => 1).catch((caught: { code?: string }) => caught.code);
      expect(refused).to.equal('UNIPOOL_INVALID_ARGUMENT');
    });

    it('when the replica stops, 20 looping readers never fail: reads go to the primary, stats show the replica down; after it restarts, reads return after the back-off', async () => {
      const db = open().default;
      let stopping = false;
      let failures = 0;
      const ports: number[] = [];
      const firstError: unknown[] = [];
      const readers = Array.from({ length: 20 }, async () => {
        while (!stopping) {
          try {
            ports.push(await portOf(db.replica.query(port)));
          } catch (error) {
            failures += 1;
            firstError.push(error);
          }
          await sleep(5);
        }
      });
      try {
        await eventually(() => ports.length > 100, 1000);
        expect(ports.every((p) => p === replica.port)).to.equal(true);
        await replica.stop('immediate');
        const stoppedMs = performance.now();
        const stoppedAt = ports.length;
        await eventually(() => ports.length > stoppedAt + 200, 2000);
        expect(ports.slice(-100).every((p) => p === primaryPort), 'reads moved to the primary').to.equal(true);
        expect(db.stats().replicas?.[0]).to.include({ healthy: false, downs: 1 });
        expect(db.stats().acquired).to.be.greaterThan(100);
        expect(warnings.some((w) => w.includes(`replica 127.0.0.1:${replica.port} is down`))).to.equal(true);

        await replica.start();
        const restartedMs = performance.now();
        const restartedAt = ports.length;
        // The back-off is 1 s doubling per failed probe, capped at 10 s; a loaded box may fail a few probes.
        await eventually(() => ports.slice(restartedAt).includes(replica.port), 6000);
        // Measured, not asserted: how long reads stayed on the primary after the replica was back.
        console.log(`      ${engine}: replica down for ${Math.round(restartedMs - stoppedMs)} ms, reads back on it ${Math.round(performance.now() - restartedMs)} ms after it accepted connections`);
        await eventually(() => db.stats().replicas?.[0]?.healthy === true, 100);
      } finally {
        stopping = true;
        await Promise.all(readers);
        await replica.start();
      }
      expect(failures, String(firstError[0])).to.equal(0);
    });

    it('spreads reads round-robin over two replicas, and when one stops its reads go to the other replica, not the primary', async () => {
      // The shared server listed as a second replica: its reads are told apart by port, and its pool by role.
      const db = open({ replicas: [{ url: replica.url }, { url: under.config()['url'] }] }).default;
      const ports: number[] = [];
      for (let i = 0; i < 6; i++) ports.push(await portOf(db.replica.query(port)));
      expect(ports).to.deep.equal([replica.port, primaryPort, replica.port, primaryPort, replica.port, primaryPort]);
      const primaryBefore = db.stats().acquired;
      await replica.stop('immediate');
      try {
        const after: number[] = [];
        for (let i = 0; i < 10; i++) after.push(await portOf(db.replica.query(port)));
        expect(after.every((p) => p === primaryPort)).to.equal(true);
        const stats = db.stats();
        expect(stats.acquired, 'the primary pool served none of them').to.equal(primaryBefore);
        expect(stats.replicas?.map((r) => r.healthy)).to.deep.equal([false, true]);
        expect(stats.replicas?.[1]?.acquired).to.equal(13);
      } finally {
        await replica.start();
      }
    });

    it('a stream or a read-only transaction whose replica cannot be reached starts again on the primary (before any row, before the function ran)', async () => {
      await replica.stop('immediate');
      try {
        const db = open().default;
        const streamed: number[] = [];
        for await (const row of db.replica.stream<{ port: number }>(port)) streamed.push(Number(row.port));
        expect(streamed).to.deep.equal([primaryPort]);
        expect(db.stats().replicas?.[0]).to.include({ healthy: false, downs: 1 });
        await dbs!.close();
        let runs = 0;
        const fresh = open().default;
        const inside = await fresh.replica.atomic(() => {
          runs += 1;
          return portOf(fresh.replica.query(port));
        });
        expect({ inside, runs }).to.deep.equal({ inside: primaryPort, runs: 1 });
        expect(fresh.stats().replicas?.[0]).to.include({ healthy: false, downs: 1 });
      } finally {
        await replica.start();
      }
    });

    it('closes the replica pools with the database', async () => {
      const registry = open();
      await registry.default.replica.query(port);
      expect(registry.default.stats().replicas?.[0]?.size).to.equal(1);
      await registry.close();
      expect(registry.default.stats().replicas?.[0]?.size).to.equal(0);
      const error = await registry.default.replica.query(port).catch((caught: { code?: string }) => caught.code);
      expect(error).to.equal('UNIPOOL_POOL_CLOSED');
    });

    it('a read whose replica connection is killed before its result is retried once, on the primary, and the caller sees no error', async () => {
      const db = open().default;
      // A separate pool straight to the replica server, to find and kill the reader's backend.
      const killer = createDatabases({ default: { engine, url: replica.url } });
      try {
        const read = portOf(db.replica.query(slowPort));
        let id: number | undefined;
        for (let attempt = 0; attempt < 100 && id === undefined; attempt++) {
          if (attempt > 0) await sleep(20);
          id = (await killer.default.query<{ id: number }>(findSlow)).rows.map((row) => Number(row.id))[0];
        }
        expect(id, 'the slow read runs on the replica').to.be.a('number');
        await killer.default.query(under.kill!(id!));
        expect(await read).to.equal(primaryPort);
        expect(db.stats().replicas?.[0]).to.include({ healthy: false, downs: 1 });
      } finally {
        await killer.close();
      }
    });

    it("never shows a replica's password: not in the warning, the stats, the metrics or util.inspect of the registry", async () => {
      const secret = 'Repl1ca-S3cret';
      const registry = open({ replicas: [{ host: '127.0.0.1', port: 1, password: secret, pool: { connectTimeoutMs: 2000 } }] });
      expect(await portOf(registry.default.replica.query(port))).to.equal(primaryPort);
      expect(warnings).to.have.length(1);
      const shown = [...warnings, JSON.stringify(registry.default.stats()), registry.metrics(), inspect(registry, { depth: 8 })].join('\n');
      expect(shown).to.include('127.0.0.1:1');
      expect(shown).to.not.include(secret);
    });

    it('labels the Prometheus series by role, and a replica series by its server', async () => {
      const db = open().default;
      await db.replica.query(port);
      await db.query(port);
      const families = parsePrometheusText(dbs!.metrics());
      const primary = samplesOf(families, 'db_client_connection_max', { pool: 'default', role: 'primary' });
      const replicas = samplesOf(families, 'db_client_connection_max', { pool: 'default', role: 'replica' });
      expect(primary).to.have.length(1);
      expect(primary[0]?.labels).to.not.have.property('replica');
      expect(replicas).to.have.length(1);
      expect(replicas[0]?.labels).to.deep.include({ engine, replica: `127.0.0.1:${replica.port}` });
      expect(samplesOf(families, 'db_client_connection_use_time_seconds', { role: 'replica' }).find((sample) => sample.name.endsWith('_count'))?.value).to.equal(1);
      expect(samplesOf(families, 'db_client_connection_count', { role: 'replica', state: 'idle' })[0]?.value).to.be.greaterThan(0);
    });
  });
}
