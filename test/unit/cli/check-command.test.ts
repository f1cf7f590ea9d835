import { expect } from 'chai';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../../src/cli/main.js';
import { capturedIo } from './captured-io.js';

const fixtures = fileURLToPath(new URL('../../fixtures/configs/', import.meta.url));

async function run(args: string[], cwd = fixtures): Promise<{ code: number; out: string; err: string }> {
  const io = capturedIo(cwd);
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('unipool check', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unipool-check-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a valid JSON file: exit 0, one line on stdout naming the aliases and engines', async () => {
    expect(await run(['check', 'valid/all-engines-urls.json'])).to.deep.equal({
      code: 0,
      out: '✓ valid/all-engines-urls.json: 4 databases valid (default: postgres, reports: mysql, cache: sqlite, ledger: oracle)\n',
      err: '',
    });
  });

  it('an invalid JSON file: exit 1, every problem on stderr with its path, nothing on stdout', async () => {
    expect(await run(['check', 'invalid/several-databases.json'])).to.deep.equal({
      code: 1,
      out: '',
      err: [
        '✗ invalid/several-databases.json: 3 problems',
        '  databases.default.pool.max: must be ≥ 1, got 0',
        '  databases.reports: needs a "url" or a "host" (or "options.socketPath")',
        '  databases.cache.pool.order: must be one of "lifo", "fifo", got "random"',
        '',
      ].join('\n'),
    });
  });

  it('never prints a password', async () => {
    const { code, err } = await run(['check', 'invalid/url-password-twice.json']);
    expect(code).to.equal(1);
    expect(err).to.not.include('s3cret');
    expect(err).to.not.include('other-secret');
  });

  it('--json prints valid, file and issues on stdout', async () => {
    const invalid = await run(['check', '--json', 'invalid/pool-max-zero.json']);
    expect(invalid.code).to.equal(1);
    expect(invalid.err).to.equal('');
    expect(JSON.parse(invalid.out)).to.deep.equal({
      valid: false,
      file: 'invalid/pool-max-zero.json',
      issues: [{ path: 'databases.default.pool.max', message: 'must be ≥ 1, got 0' }],
    });
    const valid = await run(['check', 'valid/sqlite-memory.json', '--json']);
    expect(valid.code).to.equal(0);
    expect(JSON.parse(valid.out)).to.deep.equal({ valid: true, file: 'valid/sqlite-memory.json', issues: [] });
  });

  it('a missing file: exit 2', async () => {
    expect(await run(['check', 'nope.json'])).to.deep.equal({ code: 2, out: '', err: 'unipool check: nope.json: file not found\n' });
  });

  it('unparsable JSON: exit 2 with line and column', async () => {
    writeFileSync(join(dir, 'broken.json'), '{\n  "default": { "engine": "sqlite", },\n}\n');
    expect(await run(['check', 'broken.json'], dir)).to.deep.equal({
      code: 2,
      out: '',
      err: 'unipool check: broken.json:2:36: invalid JSON: trailing comma before "}"\n',
    });
  });

  it('an unsupported file type: exit 2', async () => {
    writeFileSync(join(dir, 'db.yaml'), 'default: {}');
    const { code, err } = await run(['check', 'db.yaml'], dir);
    expect(code).to.equal(2);
    expect(err).to.equal('unipool check: db.yaml: unsupported file type ".yaml" — use .json, .js, .mjs, .cjs or .ts\n');
  });

  it('a JS module: the default export', async () => {
    const { code, out } = await run(['check', 'modules/default-export.mjs']);
    expect(code).to.equal(0);
    expect(out).to.equal('✓ modules/default-export.mjs: 2 databases valid (default: sqlite, reports: mysql)\n');
  });

  it('a JS module: the named export "databases" wins over the default export', async () => {
    const { code, out } = await run(['check', 'modules/named-export.js']);
    expect(code).to.equal(0);
    expect(out).to.equal('✓ modules/named-export.js: 1 database valid (default: postgres)\n');
  });

  it('a CommonJS module', async () => {
    const { code, err } = await run(['check', 'modules/commonjs.cjs']);
    expect(code).to.equal(1);
    expect(err).to.equal('✗ modules/commonjs.cjs: 1 problem\n  databases.default.pool.max: must be ≥ 1, got 0\n');
  });

  it('a TypeScript module (through tsx)', async () => {
    const { code, out } = await run(['check', 'modules/typed.ts']);
    expect(code).to.equal(0);
    expect(out).to.equal('✓ modules/typed.ts: 2 databases valid (default: oracle, cache: sqlite)\n');
  });

  it('a module without a config export: exit 2', async () => {
    const { code, err } = await run(['check', 'modules/no-export.mjs']);
    expect(code).to.equal(2);
    expect(err).to.equal('unipool check: modules/no-export.mjs: exports no config — add "export default { default: { … } }" or "export const databases = { … }"\n');
  });

  it('a module that throws while loading: exit 2, the error message, no stack trace', async () => {
    const { code, err } = await run(['check', 'modules/throws.mjs']);
    expect(code).to.equal(2);
    expect(err).to.equal('unipool check: modules/throws.mjs: could not be loaded: Error: DATABASE_URL is not set\n');
  });

  it('a module with a syntax error: exit 2 with its line', async () => {
    writeFileSync(join(dir, 'bad.mjs'), 'export default {\n  default: { engine: "sqlite" database: ":memory:" },\n};\n');
    const { code, err } = await run(['check', 'bad.mjs'], dir);
    expect(code).to.equal(2);
    expect(err).to.match(/^unipool check: bad\.mjs: could not be loaded: SyntaxError: .+ \(line 2\)\n$/);
  });

  it('without an argument: the one unipool.config.* in the working directory', async () => {
    copyFileSync(join(fixtures, 'valid', 'sqlite-memory.json'), join(dir, 'unipool.config.json'));
    expect(await run(['check'], dir)).to.deep.equal({ code: 0, out: '✓ unipool.config.json: 1 database valid (default: sqlite)\n', err: '' });
  });

  it('without an argument and no config file: exit 2 naming what was looked for', async () => {
    const { code, err } = await run(['check'], dir);
    expect(code).to.equal(2);
    expect(err).to.equal(
      `unipool check: no config file named and none found in ${dir} (looked for unipool.config.json, unipool.config.js, unipool.config.mjs, unipool.config.cjs, unipool.config.ts, unipool.config.mts) — name one: unipool check <file>\n`,
    );
  });

  it('without an argument and two config files: exit 2, ambiguous', async () => {
    writeFileSync(join(dir, 'unipool.config.json'), '{}');
    writeFileSync(join(dir, 'unipool.config.mjs'), 'export default {};');
    const { code, err } = await run(['check'], dir);
    expect(code).to.equal(2);
    expect(err).to.equal('unipool check: found several config files (unipool.config.json, unipool.config.mjs) — name the one to check: unipool check <file>\n');
  });

  it('an unknown option or a second file: exit 2 with the usage line', async () => {
    expect(await run(['check', '--jsno', 'x.json'])).to.deep.equal({
      code: 2,
      out: '',
      err: 'unipool check: unknown option "--jsno" — did you mean "--json"?\nUsage: unipool check [config] [--json] (unipool check --help for more)\n',
    });
    const extra = await run(['check', 'a.json', 'b.json']);
    expect(extra.code).to.equal(2);
    expect(extra.err).to.equal('unipool check: unexpected argument "b.json"\nUsage: unipool check [config] [--json] (unipool check --help for more)\n');
  });
});
