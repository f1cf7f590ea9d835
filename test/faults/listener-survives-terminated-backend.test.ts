import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createDatabases, type Database, type Databases } from '../../src/index.js';
import { eventually, sleep } from '../support/engines.js';
import { report } from './support/outcomes.js';
import { guardProcess } from './support/process-guard.js';

/** Shared server: only this test's own listening backend is terminated, found by its application_name. */
const URL = 'postgres://postgres@127.0.0.1:5432/test';

describe('postgres: a listener whose backend is terminated reconnects and LISTENs again', function () {
  this.timeout(30_000);
  const guard = guardProcess();
  let dbs: Databases<'default' | 'killer'>;
  let db: Database;
  const appName = `unipool-listener-${randomUUID().slice(0, 8)}`;
  const warnings: string[] = [];

  before(() => {
    dbs = createDatabases(
      {
        default: { engine: 'postgres', url: URL, options: { application_name: appName } },
        killer: { engine: 'postgres', url: URL },
      },
      { logger: { warn: (message) => void warnings.push(message) } },
    );
    db = dbs.default;
  });
  after(async () => {
    await dbs?.close({ timeoutMs: 2000 });
  });

  it('pg_terminate_backend of the listening connection: onGap runs once, later notifications arrive', async () => {
    const channel = `unipool_gap_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const received: string[] = [];
    let gaps = 0;
    await db.listen(channel, (payload) => void received.push(payload), { onGap: () => void (gaps += 1) });
    await db.notify(channel, 'before');
    await eventually(() => received.length === 1);

    // The listening backend is this app's only connection that last ran LISTEN.
    const { rows } = await dbs.killer.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN %'", [appName]);
    expect(rows, 'exactly one listening backend').to.have.length(1);
    await dbs.killer.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);

    await eventually(() => gaps === 1, 1000);
    const startedAt = performance.now();
    await db.notify(channel, 'after');
    await eventually(() => received.length === 2, 1000);
    const deliveredAfterMs = performance.now() - startedAt;
    await sleep(200);
    const listeners = await dbs.killer.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN %'", [appName]);

    report('postgres', 'listener-terminated', { received: received.join('|'), gaps, deliveredAfterMs: Math.round(deliveredAfterMs), listeningBackends: Number(listeners.rows[0]?.n), warnings: warnings.length, uncaught: guard.caught.length });
    expect(received).to.deep.equal(['before', 'after']);
    expect(gaps, 'onGap once per reconnect').to.equal(1);
    expect(Number(listeners.rows[0]?.n), 'one listening backend again').to.equal(1);
    expect(warnings.some((w) => w.includes('the listening connection was lost'))).to.equal(true);
    expect(db.stats().destroyed, 'the pool itself lost nothing').to.equal(0);
    expect(guard.caught, guard.describe()).to.deep.equal([]);
  });
});
