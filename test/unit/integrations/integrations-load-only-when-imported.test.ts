import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));

/** A module-resolution hook that appends every resolved URL to `log` (hooks run on their own thread; a file is the simple channel back). */
const RECORDER = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, result.url + '\\n');
  return result;
}
`;

/** The URLs a child process resolved while running `code` (ESM, with tsx for the TypeScript sources). */
async function resolvedBy(code: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'unipool-imports-'));
  try {
    const log = join(dir, 'resolved.log');
    const hook = join(dir, 'recorder.mjs');
    const register = join(dir, 'register.mjs');
    writeFileSync(log, '');
    writeFileSync(hook, RECORDER);
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)}, { data: { log: ${JSON.stringify(log)} } });\n`);
    await run(process.execPath, ['--import', register, '--import', 'tsx', '--input-type=module', '-e', code], { cwd: repo });
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fromPackage = (urls: readonly string[], name: string): string[] => urls.filter((url) => url.includes(`/node_modules/${name}/`));

describe('integration libraries load only when their entry point is imported', function () {
  this.timeout(60_000);

  it('importing unipool and running a query loads no kysely, fastify or drizzle module', async () => {
    const urls = await resolvedBy(`
      const { createDatabases } = await import('./src/index.ts');
      const dbs = createDatabases({ default: { engine: 'sqlite', database: ':memory:' } });
      await dbs.default.query('SELECT 1');
      await dbs.close();
    `);
    expect(fromPackage(urls, 'better-sqlite3').length).to.be.above(0); // the recorder sees driver loads
    expect(fromPackage(urls, 'kysely')).to.deep.equal([]);
    expect(fromPackage(urls, 'fastify')).to.deep.equal([]);
    expect(fromPackage(urls, 'drizzle-orm')).to.deep.equal([]);
  });

  it('importing unipool/kysely loads kysely (and still no fastify)', async () => {
    const urls = await resolvedBy(`await import('./src/integrations/kysely/index.ts');`);
    expect(fromPackage(urls, 'kysely').length).to.be.above(0);
    expect(fromPackage(urls, 'fastify')).to.deep.equal([]);
  });

  it('importing unipool/fastify loads no fastify code (it needs only its types)', async () => {
    const urls = await resolvedBy(`await import('./src/integrations/fastify/index.ts');`);
    expect(fromPackage(urls, 'fastify')).to.deep.equal([]);
    expect(fromPackage(urls, 'kysely')).to.deep.equal([]);
  });
});
