import { expect } from 'chai';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findStale, generateDocs, type GeneratedFile } from '../../../scripts/docs/generated-pages.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('docs: generated reference pages', function () {
  this.timeout(60_000);
  let files: GeneratedFile[];

  before(async () => {
    files = await generateDocs(root);
  });

  it('are committed exactly as the generator writes them', () => {
    const stale = findStale(root, files);
    const list = stale.map((s) => `  ${s.path} (${s.problem})`).join('\n');
    expect(stale, `generated docs are stale — run npm run docs:gen and commit the result:\n${list}`).to.deep.equal([]);
  });

  it('are deterministic: a second run produces the same bytes', async () => {
    const again = await generateDocs(root);
    expect(again.map((f) => [f.path, Buffer.from(f.content).toString('base64')])).to.deep.equal(files.map((f) => [f.path, Buffer.from(f.content).toString('base64')]));
  });

  it('cover the configuration, capabilities, errors, metrics and benchmarks pages', () => {
    expect(files.map((f) => f.path)).to.include.members([
      'docs/reference/configuration.md',
      'docs/reference/capabilities.md',
      'docs/reference/errors.md',
      'docs/reference/metrics.md',
      'docs/benchmarks.md',
    ]);
  });
});
