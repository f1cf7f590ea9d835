import { expect } from 'chai';
import { join } from 'node:path';
import { findConfigLiterals } from '../../../scripts/docs/config-literal.js';
import { extractCodeBlocks, isConfigJson, isTypeScript } from '../../../scripts/docs/doc-examples.js';
import { typecheckExamples } from '../../../scripts/docs/typecheck-examples.js';
import { validateConfig } from '../../../src/config/validate-config.js';

const root = join(import.meta.dirname, '../../..');

const page = [
  '# Page',
  '',
  '```ts [after: unipool]',
  "const dbs = createDatabases({ default: { engine: 'postgres', url: process.env.DATABASE_URL ?? 'postgres://h/db', pool: { max: 10_000 } } });",
  '```',
  '',
  '<!-- docs-check: skip -->',
  '```ts',
  'partial(',
  '```',
  '',
  '````md',
  '```json [unipool.config.json]',
  '{ "not": "a block of its own" }',
  '```',
  '````',
  '',
  '```json [unipool.config.json]',
  '{ "default": { "engine": "sqlite", "database": ":memory:", "pool": { "maxConnections": 1 } } }',
  '```',
  '',
  '```json',
  '{ "just": "json" }',
  '```',
].join('\n');

describe('docs: example extraction', () => {
  const blocks = extractCodeBlocks('docs/page.md', page);

  it('finds each fenced block with its language, title, line and skip marker', () => {
    expect(blocks.map((b) => [b.line, b.lang, b.title ?? null, b.skipped])).to.deep.equal([
      [3, 'ts', 'after: unipool', false],
      [8, 'ts', null, true],
      [12, 'md', null, false],
      [18, 'json', 'unipool.config.json', false],
      [22, 'json', null, false],
    ]);
  });

  it('checks unmarked ts blocks, skips marked ones, and treats only titled JSON as a config', () => {
    expect(blocks.filter(isTypeScript).map((b) => b.line)).to.deep.equal([3]);
    expect(blocks.filter(isConfigJson).map((b) => b.line)).to.deep.equal([18]);
  });

  it('reads a createDatabases() literal, taking the fallback of process.env.X ?? … and numeric separators', () => {
    const [literal] = findConfigLiterals(blocks[0]?.code ?? '');
    expect(literal).to.deep.equal({ line: 1, value: { default: { engine: 'postgres', url: 'postgres://h/db', pool: { max: 10000 } } } });
  });

  it('gives a bare process.env.X a value of the right kind: a URL of the engine for url, a word otherwise', () => {
    const [literal] = findConfigLiterals("createDatabases({ default: { engine: 'mysql', url: process.env.DATABASE_URL, password: process.env['PW'] } })");
    expect(literal?.value).to.deep.equal({ default: { engine: 'mysql', url: 'mysql://app@localhost:3306/app', password: 'example' } });
  });

  it('reports a config it cannot read as a literal instead of skipping it', () => {
    const [literal] = findConfigLiterals('createDatabases({ default: { engine, url: makeUrl() } })');
    expect(literal?.problem).to.equal('config.default: only "key: value" properties are literal, got "engine"');
    const [call] = findConfigLiterals('createDatabases(config)');
    expect(call?.problem).to.equal('the argument is not an object literal');
  });

  it('a marked config with a typo fails validation (the check can fail)', () => {
    const block = blocks.find(isConfigJson);
    const result = validateConfig(JSON.parse(block?.code ?? 'null'));
    expect(result.valid).to.equal(false);
    expect(result.issues.map((i) => i.path)).to.deep.equal(['databases.default.pool.maxConnections']);
  });

  it('a ts block that misuses the API fails the typecheck, reported at its Markdown line', function () {
    this.timeout(120_000);
    const bad = extractCodeBlocks('docs/bad.md', ['# Bad', '', '```ts', "await db.atomic({ isolation: 'sometimes' }, async () => {});", '```'].join('\n'));
    const diagnostics = typecheckExamples(root, bad, join(root, '.tmp/doc-examples-selftest'));
    expect(diagnostics.map((d) => `${d.page}:${d.line}`)).to.deep.equal(['docs/bad.md:4']);
    expect(diagnostics[0]?.message).to.match(/^TS2769|^TS2322/);
  });
});
