/**
 * Writes the generated reference pages of the docs site (configuration, capabilities, errors,
 * metrics, benchmarks) from their sources of truth.
 *
 *   tsx scripts/gen-docs.ts           write the pages
 *   tsx scripts/gen-docs.ts --check   write nothing; exit 1 listing every stale page
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findStale, generateDocs } from './docs/generated-pages.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(`gen-docs: unknown argument ${unknown.map((a) => `"${a}"`).join(', ')}; the only option is --check`);
    return 2;
  }
  const files = await generateDocs(root);
  const stale = findStale(root, files);
  if (argv.includes('--check')) {
    if (stale.length === 0) {
      console.log(`gen-docs: ${files.length} generated files are up to date.`);
      return 0;
    }
    console.error(`gen-docs: ${stale.length} generated file(s) are stale — run \`npm run docs:gen\` and commit the result:`);
    for (const s of stale) console.error(`  ${s.path} (${s.problem})`);
    return 1;
  }
  for (const file of files) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.content);
  }
  for (const s of stale.filter((f) => f.problem === 'obsolete')) rmSync(join(root, s.path));
  const changed = stale.filter((s) => s.problem !== 'obsolete').map((s) => s.path);
  console.log(`gen-docs: wrote ${files.length} files${changed.length > 0 ? ` (changed: ${changed.join(', ')})` : ' (no changes)'}.`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
