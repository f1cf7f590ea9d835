import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchReport } from '../../../src/cli/bench/bench-result.js';
import { main } from '../../../src/cli/main.js';
import { checkReport } from '../../../bench/check-report.js';
import { capturedIo } from '../../unit/cli/captured-io.js';

// Only that the command runs and its output is complete and well-formed — never how fast.
describe('unipool bench (embedded SQLite, no server)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unipool-bench-test-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a table, writes results.json and the charts, and shows plain progress when stderr is no terminal', async () => {
    const run = capturedIo(dir);
    const code = await main(['bench', '--seconds', '0.2', '--out', 'out'], run);
    expect(code, run.err()).to.equal(0);
    expect(run.out()).to.include('W1 hot path — sqlite, 64 concurrent, max 10');
    expect(run.out()).to.include('W2 external call — sqlite, 200 concurrent, max 10');
    expect(run.out()).to.match(/better-sqlite3 +[\d,]+ +\(baseline\)/);
    expect(run.out()).to.include("SQLite's W1: better-sqlite3 answers synchronously");
    expect(run.out()).to.include("SQLite's W2: 'peak in use' is sampled every 10 ms");
    expect(run.err()).to.include('unipool bench on a temporary SQLite file');
    expect(run.err()).to.match(/^W1: unipool \(asap\) \(round 1\/2\) … [\d,.]+ q\/s$/m);
    expect(run.err()).to.not.include('\r');
    expect(run.err()).to.not.include('\u001b');

    const report = JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8')) as BenchReport;
    expect(report.mode).to.equal('cli');
    expect(report.workloads.map((w) => `${w.workload} ${w.engine}`)).to.deep.equal(['w1 sqlite', 'w2 sqlite']);
    expect(checkReport(report, ['w1 sqlite', 'w2 sqlite'])).to.deep.equal([]);
    const charts = readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.svg')).sort();
    expect(charts).to.deep.equal(['w1-throughput.svg', 'w2-connections-needed.svg', 'w2-sweep-sqlite.svg', 'w2-throughput.svg']);
    for (const chart of charts) expect(readFileSync(join(dir, 'out', chart), 'utf8')).to.match(/^<svg [^>]*>[\s\S]*<\/svg>\n$/);
    // The temporary database is gone.
    const file = /temporary SQLite file \(([^)]+)\)/.exec(run.err())?.[1];
    expect(file !== undefined && existsSync(file)).to.equal(false);
  });

  it('prints the results as JSON with --json, and nothing else on stdout', async () => {
    const run = capturedIo(dir);
    const code = await main(['bench', '--seconds', '0.1', '--json', '--out', dir], run);
    expect(code, run.err()).to.equal(0);
    const report = JSON.parse(run.out()) as BenchReport;
    expect(report.workloads).to.have.length(2);
  });

  it('refuses a bad --seconds with the usage line, exit 2', async () => {
    const run = capturedIo(dir);
    expect(await main(['bench', '--seconds', 'soon'], run)).to.equal(2);
    expect(run.err()).to.equal('unipool bench: --seconds: expected a number of seconds between 0 and 600, got "soon"\nUsage: unipool bench [--url URL] (unipool bench --help for more)\n');
  });
});
