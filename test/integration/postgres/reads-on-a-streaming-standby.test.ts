import { expect } from 'chai';
import { createDatabases, type Database, type Databases } from '../../../src/index.js';
import { eventually, sleep } from '../../support/engines.js';
import { startPrivatePostgres, startPrivateStandby, type PrivatePostgres } from '../../support/private-servers.js';

const IN_RECOVERY = 'SELECT pg_is_in_recovery() AS standby';

/**
 * `db.replica` over real PostgreSQL streaming replication: a private primary and a standby made
 * from it with pg_basebackup. A read says which side answered with `pg_is_in_recovery()`.
 */
describe('postgres: db.replica on a streaming standby', function () {
  this.timeout(180_000);
  let primary: PrivatePostgres | undefined;
  let standby: PrivatePostgres | undefined;
  let dbs: Databases<'default'> | undefined;
  const warnings: string[] = [];

  before(async () => {
    primary = await startPrivatePostgres();
    standby = await startPrivateStandby(primary);
  });
  after(async () => {
    await standby?.destroy();
    await primary?.destroy();
  });
  afterEach(async () => {
    await dbs?.close({ timeoutMs: 2000 });
    dbs = undefined;
    warnings.length = 0;
  });

  function open(): Database {
    dbs = createDatabases(
      { default: { engine: 'postgres', url: primary!.url, pool: { max: 5 }, replicas: [{ url: standby!.url }] } },
      { logger: { warn: (message) => warnings.push(message) } },
    );
    return dbs.default;
  }
  const onStandby = async (db: Pick<Database, 'query'>): Promise<boolean> => (await db.query<{ standby: boolean }>(IN_RECOVERY)).rows[0]?.standby === true;

  it('runs db.replica reads on the standby (in recovery), db.query on the primary', async () => {
    const db = open();
    expect(await onStandby(db.replica)).to.equal(true);
    expect(await onStandby(db)).to.equal(false);
    const streamed: boolean[] = [];
    for await (const row of db.replica.stream<{ standby: boolean }>(IN_RECOVERY)) streamed.push(row.standby);
    expect(streamed).to.deep.equal([true]);
    expect(await db.replica.atomic(() => onStandby(db.replica))).to.equal(true);
    expect(db.stats().replicas?.[0]).to.include({ role: 'replica', replica: `127.0.0.1:${standby!.port}`, healthy: true, inUse: 0 });
  });

  it('inside db.atomic() a write then db.replica.query sees the row (the held primary connection); after COMMIT the standby replays it', async () => {
    const db = open();
    await db.query('CREATE TABLE replicas_rw (id integer)');
    try {
      const inside = await db.atomic(async () => {
        await db.query('INSERT INTO replicas_rw (id) VALUES (7)');
        const { rows } = await db.replica.query<{ id: number }>('SELECT id FROM replicas_rw');
        return { ids: rows.map((row) => row.id), standby: await onStandby(db.replica) };
      });
      expect(inside).to.deep.equal({ ids: [7], standby: false });
      // Real replication, not a second server: the committed row reaches the standby's reads.
      let seen: number[] = [];
      for (let attempt = 0; attempt < 100 && seen.length === 0; attempt++) {
        if (attempt > 0) await sleep(50);
        // Until the standby has replayed the CREATE TABLE too, the table is missing there (42P01).
        seen = (await db.replica.query<{ id: number }>("SELECT id FROM replicas_rw WHERE to_regclass('replicas_rw') IS NOT NULL").catch(() => ({ rows: [] }))).rows.map((row) => row.id);
      }
      expect(seen).to.deep.equal([7]);
      expect(await onStandby(db.replica)).to.equal(true);
    } finally {
      await db.query('DROP TABLE replicas_rw');
    }
  });

  it('standby stopped (immediate) under 20 looping readers: no call fails, reads go on on the primary and stats show it; restarted, reads return to it after the back-off', async () => {
    const db = open();
    let stopping = false;
    const errors: unknown[] = [];
    const answers: boolean[] = [];
    const readers = Array.from({ length: 20 }, async () => {
      while (!stopping) {
        try {
          answers.push(await onStandby(db.replica));
        } catch (error) {
          errors.push(error);
        }
        await sleep(5);
      }
    });
    try {
      await eventually(() => answers.length > 100, 1000);
      expect(answers.every(Boolean), 'all on the standby before it stops').to.equal(true);
      const primaryBefore = db.stats().acquired;
      await standby!.stop('immediate');
      const stoppedMs = performance.now();
      const stoppedAt = answers.length;
      await eventually(() => answers.length > stoppedAt + 200, 3000);
      expect(answers.slice(-100).some(Boolean), 'reads moved to the primary').to.equal(false);
      const stats = db.stats();
      expect(stats.replicas?.[0]).to.include({ role: 'replica', healthy: false, downs: 1 });
      expect(stats.acquired - primaryBefore, 'the primary pool served them').to.be.greaterThan(100);
      expect(warnings.some((w) => w.includes(`replica 127.0.0.1:${standby!.port} is down`))).to.equal(true);

      await standby!.start();
      const restartedMs = performance.now();
      const restartedAt = answers.length;
      // The back-off is 1 s doubling per failed probe to 10 s; generous for a loaded box.
      await eventually(() => answers.slice(restartedAt).some(Boolean), 6000);
      console.log(`      standby down ${Math.round(restartedMs - stoppedMs)} ms; reads back on it ${Math.round(performance.now() - restartedMs)} ms after it accepted connections`);
      expect(db.stats().replicas?.[0]?.healthy).to.equal(true);
    } finally {
      stopping = true;
      await Promise.all(readers);
      await standby!.start();
    }
    expect(errors, String(errors[0])).to.deep.equal([]);
  });
});
