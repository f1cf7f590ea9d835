import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { createDatabases } from '../../../src/index.js';
import { capturedIo } from '../cli/captured-io.js';

async function doctor(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const io = capturedIo(cwd);
  const code = await main(['doctor', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('unipool doctor (SQLite, no server needed)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'unipool-doctor-'));
    const file = join(dir, 'app.sqlite3');
    const dbs = createDatabases({ default: { engine: 'sqlite', database: file } });
    await dbs.default.query('CREATE TABLE t_insight_doctor (id INTEGER)');
    await dbs.close();
    writeFileSync(join(dir, 'unipool.config.json'), JSON.stringify({ default: { engine: 'sqlite', database: file, pool: { max: 4 } } }));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('--json: reachable, the SQLite version, no server limit, verdict ok, exit 0', async () => {
    const { code, out, err } = await doctor(['--json'], dir);
    expect(err).to.equal('');
    expect(code).to.equal(0);
    const report = JSON.parse(out) as { ok: boolean; file: string; instances: number; databases: Record<string, unknown>[] };
    expect(report).to.include({ ok: true, file: 'unipool.config.json', instances: 1 });
    const [db] = report.databases;
    expect(db).to.include({ alias: 'default', engine: 'sqlite', reachable: true, verdict: 'ok', error: null, connections: null, sizing: null });
    expect(db!['pool']).to.deep.equal({ min: 0, max: 4 });
    expect((db!['server'] as { version: string }).version).to.match(/^SQLite \d+\.\d+/);
    expect((db!['server'] as { notes: string[] }).notes).to.deep.equal(['journal_mode wal']);
    expect(db!['pingMs']).to.be.a('number');
    expect(db!['capabilities']).to.include({ savepoints: true, placeholders: '?' });
  });

  it('prints a table and the details for people', async () => {
    const { code, out } = await doctor(['unipool.config.json', '--instances', '3'], dir);
    expect(code).to.equal(0);
    const lines = out.split('\n');
    expect(lines[0]).to.equal('unipool doctor: unipool.config.json — 1 database, 3 instances');
    expect(lines[2]).to.match(/^DATABASE +ENGINE +SERVER +PING +LIMIT +OPEN NOW +MAX × 3 +VERDICT$/);
    expect(lines[3]).to.match(/^default +sqlite +SQLite [\d.]+ +[\d.]+ ms +n\/a +n\/a +12 +ok$/);
    expect(out).to.include('  connections:  limit n/a (SQLite runs in-process; there is no server connection limit); pool.max 4\n');
    expect(out).to.include('  capabilities: savepoints; isolation serializable;');
    expect(out).to.include('  advice:       none\n');
    expect(out.trimEnd().split('\n').at(-1)).to.equal('✓ 1 database ok');
  });

  it("adds Little's law advice with --rate and --hold-ms", async () => {
    const { code, out } = await doctor(['--rate', '1000', '--hold-ms', '10', '--json'], dir);
    expect(code, 'sizing advice never fails the run').to.equal(0);
    const db = (JSON.parse(out) as { databases: { sizing: Record<string, unknown>; verdict: string; advice: string[] }[] }).databases[0]!;
    expect(db.sizing).to.include({ ratePerSecond: 1000, holdMs: 10, instances: 1, averageInUse: 10, suggestedMax: 20, verdict: 'warning' });
    expect(db.verdict).to.equal('warning');
    expect(db.advice.join('\n')).to.include('≈ 10 connections in use on average, more than pool.max 4');
  });

  it('warns, without creating it, about a SQLite file that does not exist', async () => {
    const missing = join(dir, 'missing.sqlite3');
    writeFileSync(join(dir, 'missing.json'), JSON.stringify({ default: { engine: 'sqlite', database: missing } }));
    const { code, out } = await doctor(['missing.json', '--json'], dir);
    expect(code).to.equal(0);
    const db = (JSON.parse(out) as { databases: { verdict: string; advice: string[]; server: { version: string } }[] }).databases[0]!;
    expect(db.verdict).to.equal('warning');
    expect(db.advice[0]).to.include('does not exist yet');
    expect(db.server.version).to.match(/^SQLite /);
    expect(existsSync(missing)).to.equal(false);
  });

  it('an invalid config: exit 1 with the problems on stderr', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ default: { engine: 'sqlite', database: ':memory:', pool: { max: 0 } } }));
    const { code, out, err } = await doctor(['bad.json'], dir);
    expect(code).to.equal(1);
    expect(out).to.equal('');
    expect(err).to.include('databases.default.pool.max');
    expect(err).to.include('Run "unipool check bad.json" for details.');
  });

  const usage: [string[], string][] = [
    [['--instances', '0'], '--instances must be a whole number above 0, got "0"'],
    [['--instances', '2.5'], '--instances must be a whole number above 0, got "2.5"'],
    [['--rate', 'fast', '--hold-ms', '5'], '--rate must be a number above 0, got "fast"'],
    [['--rate', '100'], '--rate and --hold-ms go together'],
    [['--instance', '3'], 'unknown option "--instance" — did you mean "--instances"?'],
  ];
  for (const [args, message] of usage) {
    it(`usage error for ${args.join(' ')}: exit 2`, async () => {
      const { code, out, err } = await doctor(args, dir);
      expect(code).to.equal(2);
      expect(out).to.equal('');
      expect(err).to.include(message);
    });
  }
});
