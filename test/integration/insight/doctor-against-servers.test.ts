import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { createDatabases } from '../../../src/index.js';
import { capturedIo } from '../../unit/cli/captured-io.js';

const APPLICATION_NAME = 'unipool_insight_doctor';
const PASSWORD = 's3cr3t-P@ss';

interface Diagnosis {
  alias: string;
  engine: string;
  target: string;
  reachable: boolean;
  verdict: string;
  error: string | null;
  server: { version: string; limit: { limit: number; inUse: number | null; source: string } | null } | null;
  pingMs: number | null;
  connections: { demand: number; limit: number; share: number; verdict: string; instances: number } | null;
  advice: string[];
}

/** The servers' limits as the doctor should find them (both test users are superusers/root). */
async function serverLimits(): Promise<{ postgres: number; mysql: number }> {
  const dbs = createDatabases({
    default: { engine: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test' },
    mysql: { engine: 'mysql', url: 'mysql://root@127.0.0.1:3306/test' },
  });
  try {
    const pg = await dbs.default.query<{ n: number }>("SELECT current_setting('max_connections')::int AS n");
    const my = await dbs.mysql.query<{ n: number }>('SELECT @@max_connections AS n');
    return { postgres: Number(pg.rows[0]!.n), mysql: Number(my.rows[0]!.n) };
  } finally {
    await dbs.close();
  }
}

describe('unipool doctor against PostgreSQL and MariaDB', function () {
  this.timeout(20_000);
  let dir: string;
  let limits: { postgres: number; mysql: number };

  before(async () => {
    limits = await serverLimits();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unipool-doctor-it-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function writeConfig(name: string, config: unknown): string {
    writeFileSync(join(dir, name), JSON.stringify(config));
    return name;
  }

  async function doctor(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const io = capturedIo(dir);
    const code = await main(['doctor', ...args], io);
    return { code, out: io.out(), err: io.err() };
  }

  const servers = (pool: Record<string, unknown> = {}): Record<string, unknown> => ({
    default: { engine: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test', options: { application_name: APPLICATION_NAME }, pool: { max: 10, ...pool } },
    reports: { engine: 'mysql', url: 'mysql://root@127.0.0.1:3306/test', pool: { max: 10, ...pool } },
  });

  it('--json: both reachable, with version, ping, the server limit and an ok verdict; exit 0; no connection left open', async () => {
    const file = writeConfig('servers.json', servers());
    const { code, out, err } = await doctor([file, '--json']);
    expect(err).to.equal('');
    expect(code).to.equal(0);
    const report = JSON.parse(out) as { ok: boolean; databases: Diagnosis[] };
    expect(report.ok).to.equal(true);
    const [pg, my] = report.databases;
    expect(pg).to.include({ alias: 'default', engine: 'postgres', target: 'postgres://postgres@127.0.0.1:5432/test', reachable: true, verdict: 'ok', error: null });
    expect(pg!.server!.version).to.match(/^PostgreSQL \d+/);
    expect(pg!.server!.limit).to.include({ limit: limits.postgres, source: `max_connections ${limits.postgres}` });
    expect(pg!.server!.limit!.inUse).to.be.a('number').and.at.least(1);
    expect(pg!.connections).to.include({ demand: 10, limit: limits.postgres, verdict: 'ok', instances: 1 });
    expect(pg!.pingMs).to.be.a('number').and.above(0);
    expect(my).to.include({ alias: 'reports', engine: 'mysql', reachable: true, verdict: 'ok' });
    expect(my!.server!.version).to.match(/^(MariaDB|MySQL) \d+/);
    expect(my!.server!.limit).to.include({ limit: limits.mysql });
    expect(my!.server!.limit!.inUse).to.be.a('number').and.at.least(1);

    const check = createDatabases({ default: { engine: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test' } });
    try {
      // The client has closed its socket when doctor returns; the backend leaves pg_stat_activity
      // as it exits, a moment later, so poll briefly rather than race it.
      let open = -1;
      for (let attempt = 0; attempt < 40 && open !== 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        const { rows } = await check.default.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [APPLICATION_NAME]);
        open = rows[0]!.n;
      }
      expect(open, "the doctor's connection is closed").to.equal(0);
    } finally {
      await check.close();
    }
  });

  it('human output: a row per database and the details', async () => {
    const file = writeConfig('servers.json', servers());
    const { code, out } = await doctor([file]);
    expect(code).to.equal(0);
    expect(out).to.match(/\ndefault +postgres +PostgreSQL [^\n]+ ms +\d+ +\d+ +10 +ok \(\d+ %\)\n/);
    expect(out).to.match(/\nreports +mysql +(MariaDB|MySQL) [^\n]+ ms +\d+ +\d+ +10 +ok \(\d+ %\)\n/);
    expect(out).to.include(`  connections:  limit ${limits.postgres} (max_connections ${limits.postgres}); `);
    expect(out.trimEnd().split('\n').at(-1)).to.equal('✓ 2 databases ok');
  });

  it('checks each read replica like its database, listed after it and marked as a replica', async () => {
    // The shared server under another name stands in for a reachable replica; port 1 for a dead one.
    const file = writeConfig('replicas.json', {
      default: { engine: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test', password: PASSWORD, pool: { max: 10 }, replicas: [{ host: 'localhost' }, { host: '127.0.0.1', port: 1, pool: { connectTimeoutMs: 2000 } }] },
    });
    const { code, out } = await doctor([file, '--json']);
    expect(code, 'an unreachable replica fails the check').to.equal(1);
    const report = JSON.parse(out) as { databases: (Diagnosis & { role: string })[] };
    expect(report.databases.map((db) => [db.alias, db.role, db.target, db.reachable])).to.deep.equal([
      ['default', 'primary', 'postgres://postgres@127.0.0.1:5432/test', true],
      ['default', 'replica', 'postgres://postgres@localhost:5432/test', true],
      ['default', 'replica', 'postgres://postgres@127.0.0.1:1/test', false],
    ]);
    const human = await doctor([file]);
    expect(human.out).to.match(/\ndefault \(replica\) +postgres +PostgreSQL [^\n]+ ok \(\d+ %\)\n/);
    expect(human.out).to.include('default (replica) — postgres://postgres@127.0.0.1:1/test');
    expect(human.out + out).to.not.include(PASSWORD);
  });

  it('max × instances over the server limit: ERROR verdicts and exit 1, in both outputs', async () => {
    const file = writeConfig('servers.json', servers());
    const instances = String(Math.max(limits.postgres, limits.mysql)); // 10 × limit is always over it
    const human = await doctor([file, '--instances', instances]);
    expect(human.code).to.equal(1);
    expect(human.out).to.match(/\ndefault +postgres .* ERROR \(\d+ %\)\n/);
    expect(human.out).to.include(`pool.max 10 × ${instances} instances = ${10 * Number(instances)} exceeds the server's limit of ${limits.postgres}`);
    expect(human.out.trimEnd().split('\n').at(-1)).to.equal('✗ 2 of 2 databases failed: default (over the server limit), reports (over the server limit)');

    const json = await doctor([file, '--instances', instances, '--json']);
    expect(json.code).to.equal(1);
    const report = JSON.parse(json.out) as { ok: boolean; databases: Diagnosis[] };
    expect(report.ok).to.equal(false);
    expect(report.databases.map((d) => [d.alias, d.verdict, d.connections?.verdict])).to.deep.equal([
      ['default', 'error', 'error'],
      ['reports', 'error', 'error'],
    ]);
  });

  it('between 80 % and 100 % of the limit: a warning, exit 0', async () => {
    const max = Math.floor(limits.postgres * 0.9);
    const file = writeConfig('near.json', { default: { engine: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test', pool: { max } } });
    const { code, out } = await doctor([file, '--json']);
    expect(code).to.equal(0);
    const [pg] = (JSON.parse(out) as { databases: Diagnosis[] }).databases;
    expect(pg).to.include({ verdict: 'warning' });
    expect(pg!.advice[0]).to.include(`of the server's limit of ${limits.postgres}`);
  });

  it('an unreachable database: reported, exit 1, and the password appears in neither output', async () => {
    const encoded = encodeURIComponent(PASSWORD);
    const file = writeConfig('down.json', {
      default: { engine: 'postgres', url: `postgres://app:${encoded}@127.0.0.1:1/test`, pool: { connectTimeoutMs: 2000 } },
      reports: { engine: 'mysql', url: `mysql://app:${encoded}@127.0.0.1:1/test`, pool: { connectTimeoutMs: 2000 } },
    });
    for (const args of [[file], [file, '--json']]) {
      const { code, out, err } = await doctor(args);
      expect(code, args.join(' ')).to.equal(1);
      for (const secret of [PASSWORD, encoded, 's3cr3t']) expect(out + err, `${args.join(' ')}: ${secret}`).to.not.include(secret);
      expect(out).to.include('ECONNREFUSED');
      if (args.includes('--json')) {
        const report = JSON.parse(out) as { ok: boolean; databases: Diagnosis[] };
        expect(report.ok).to.equal(false);
        expect(report.databases.map((d) => [d.reachable, d.verdict])).to.deep.equal([
          [false, 'error'],
          [false, 'error'],
        ]);
        expect(report.databases[0]!.target).to.equal('postgres://app@127.0.0.1:1/test');
      } else {
        expect(out).to.match(/\ndefault +postgres +unreachable +- +- +- +10 +ERROR unreachable\n/);
        expect(out.trimEnd().split('\n').at(-1)).to.equal('✗ 2 of 2 databases failed: default (unreachable), reports (unreachable)');
      }
    }
  });
});
