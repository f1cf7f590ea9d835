import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

function spawnNode(args: string[], cwd = repo): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const cli = (...args: string[]): Promise<{ code: number | null; out: string; err: string }> => spawnNode(['--import', 'tsx', 'src/cli/main.ts', ...args]);

describe('unipool as a process', function () {
  this.timeout(60_000);

  it('exit 0: a valid file, the verdict on stdout only', async () => {
    expect(await cli('check', 'test/fixtures/configs/valid/sqlite-memory.json')).to.deep.equal({
      code: 0,
      out: '✓ test/fixtures/configs/valid/sqlite-memory.json: 1 database valid (default: sqlite)\n',
      err: '',
    });
  });

  it('exit 1: an invalid file, the problems on stderr only', async () => {
    expect(await cli('check', 'test/fixtures/configs/invalid/pool-max-connections.json')).to.deep.equal({
      code: 1,
      out: '',
      err: '✗ test/fixtures/configs/invalid/pool-max-connections.json: 1 problem\n  databases.default.pool.maxConnections: unknown option "maxConnections" — did you mean "max"?\n',
    });
  });

  it('exit 2: no command at all, the usage on stderr', async () => {
    const { code, out, err } = await cli();
    expect({ code, out }).to.deep.equal({ code: 2, out: '' });
    expect(err).to.match(/^unipool: no command given\n/);
  });

  it('exit 2: a missing file, no stack trace', async () => {
    expect(await cli('check', 'missing.json')).to.deep.equal({ code: 2, out: '', err: 'unipool check: missing.json: file not found\n' });
  });

  it('--json goes to stdout, with exit 1 for an invalid file', async () => {
    const { code, out, err } = await cli('check', 'test/fixtures/configs/invalid/pool-max-zero.json', '--json');
    expect(code).to.equal(1);
    expect(err).to.equal('');
    expect(JSON.parse(out)).to.have.property('valid', false);
  });

  describe('bin/unipool.js', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'unipool-bin-'));
      mkdirSync(join(dir, 'bin'));
      copyFileSync(join(repo, 'bin', 'unipool.js'), join(dir, 'bin', 'unipool.js'));
      writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('says how to build when dist/ is missing, exit 2', async () => {
      expect(await spawnNode([join(dir, 'bin', 'unipool.js'), 'check'], dir)).to.deep.equal({ code: 2, out: '', err: 'unipool is not built: run npm run build\n' });
    });

    it('runs dist/src/cli/main.js with the arguments and its exit code', async () => {
      mkdirSync(join(dir, 'dist', 'src', 'cli'), { recursive: true });
      writeFileSync(
        join(dir, 'dist', 'src', 'cli', 'main.js'),
        'export async function main(argv, io) { io.stdout.write(JSON.stringify(argv) + "\\n"); io.stderr.write("e\\n"); return 3; }\n',
      );
      expect(await spawnNode([join(dir, 'bin', 'unipool.js'), 'check', '--json'], dir)).to.deep.equal({ code: 3, out: '["check","--json"]\n', err: 'e\n' });
    });
  });
});
