import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The version of a package the repository has installed (the user project asks for the same, so npm's cache serves it). */
function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

const APP = `
import { createDatabases } from 'unipool';
import { UnipoolDialect } from 'unipool/kysely';
import { unipoolFastify } from 'unipool/fastify';
import { Kysely } from 'kysely';
import Fastify from 'fastify';

const dbs = createDatabases({ default: { engine: 'sqlite', database: ':memory:' } });
const kysely = new Kysely({ dialect: new UnipoolDialect({ database: dbs.default }) });
const app = Fastify();
await app.register(unipoolFastify, { databases: dbs });
app.get('/', async () => (await kysely.selectNoFrom((eb) => eb.val(41).as('n')).execute())[0]);
const res = await app.inject({ url: '/' });
const { rows } = await app.dbs.get('default').query('SELECT 1 + 1 AS two');
await app.close();
console.log(JSON.stringify({ status: res.statusCode, body: res.json(), two: rows[0].two }));
`;

describe('unipool installed from a packed tarball, as a user installs it', function () {
  this.timeout(300_000);
  let dir: string;
  let statusBefore: string;

  before(async () => {
    statusBefore = (await run('git', ['status', '--porcelain'], { cwd: repo })).stdout;
    dir = mkdtempSync(join(tmpdir(), 'unipool-tarball-'));
    // What `npm pack` ships is dist/: build it from the current sources first.
    await run(npm, ['run', '--silent', 'build'], { cwd: repo });
    await run(npm, ['pack', '--silent', '--pack-destination', dir], { cwd: repo });
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports unipool, unipool/kysely and unipool/fastify and runs a query on SQLite', async () => {
    const project = join(dir, 'app');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    writeFileSync(join(project, 'app.mjs'), APP);
    const tarball = join(dir, `unipool-${(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version}.tgz`);
    // From npm's local cache (the repository installed the same versions); no install scripts run.
    await run(npm, ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball, `kysely@${installedVersion('kysely')}`, `fastify@${installedVersion('fastify')}`], { cwd: project });
    // better-sqlite3 is native: reuse the repository's built copy rather than compiling it again.
    symlinkSync(join(repo, 'node_modules', 'better-sqlite3'), join(project, 'node_modules', 'better-sqlite3'), 'dir');
    const { stdout } = await run(process.execPath, ['app.mjs'], { cwd: project });
    expect(JSON.parse(stdout.trim())).to.deep.equal({ status: 200, body: { n: 41 }, two: 2 });
    const installed = JSON.parse(readFileSync(join(project, 'node_modules', 'unipool', 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(Object.keys(installed.exports)).to.include.members(['.', './kysely', './fastify']);
  });

  it('leaves the repository as it found it (the tarball and the project live in a temp folder)', async () => {
    const { stdout } = await run('git', ['status', '--porcelain'], { cwd: repo });
    expect(stdout).to.equal(statusBefore);
  });
});
