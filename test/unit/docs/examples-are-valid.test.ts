import { expect } from 'chai';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../../../src/config/validate-config.js';
import { collectCodeBlocks, isConfigJson, isScript, isTypeScript, type CodeBlock } from '../../../scripts/docs/doc-examples.js';
import { findConfigLiterals } from '../../../scripts/docs/config-literal.js';
import { typecheckExamples, type ExampleDiagnostic } from '../../../scripts/docs/typecheck-examples.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const blocks = collectCodeBlocks(root);
const where = (block: CodeBlock, offset = 0): string => `${block.page}:${block.line + offset}`;

/**
 * DESIGN API the docs show but the library does not have yet. Diagnostics matching these are
 * tolerated, and the test fails once none matches any more — then delete the entry. Keep it short.
 */
const PENDING_API: readonly { readonly diagnostic: RegExp; readonly reason: string }[] = [];

function describeIssues(issues: readonly { path: string; message: string }[]): string {
  return issues.map((i) => `    ${i.path}: ${i.message}`).join('\n');
}

describe('docs: examples', () => {
  it('are found: the pages have TypeScript examples and marked JSON configs to check', () => {
    // Guards the extractor: if it silently found nothing, every check below would pass vacuously.
    expect(blocks.filter(isTypeScript).length, 'TypeScript blocks').to.be.greaterThan(10);
    expect(blocks.filter(isConfigJson).length, 'JSON blocks marked [unipool.config.json]').to.be.greaterThan(0);
    expect(blocks.filter(isScript).flatMap((b) => findConfigLiterals(b.code)).length, 'createDatabases({ … }) calls').to.be.greaterThan(10);
  });

  describe('JSON blocks marked [unipool.config.json] are valid configurations', () => {
    for (const block of blocks.filter(isConfigJson)) {
      it(where(block), () => {
        let parsed: unknown;
        expect(() => (parsed = JSON.parse(block.code)), `${where(block)}: not valid JSON`).not.to.throw();
        const result = validateConfig(parsed);
        expect(result.valid, `${where(block)}: invalid unipool config:\n${describeIssues(result.issues)}`).to.equal(true);
      });
    }
  });

  describe('createDatabases({ … }) calls are valid configurations', () => {
    for (const block of blocks.filter(isScript)) {
      for (const literal of findConfigLiterals(block.code)) {
        it(where(block, literal.line), () => {
          expect(literal.problem, `${where(block, literal.line)}: cannot read the config: ${literal.problem ?? ''}`).to.equal(undefined);
          const result = validateConfig(literal.value);
          expect(result.valid, `${where(block, literal.line)}: invalid unipool config:\n${describeIssues(result.issues)}`).to.equal(true);
        });
      }
    }
  });

  describe('TypeScript blocks typecheck against the library', function () {
    this.timeout(120_000);
    let diagnostics: ExampleDiagnostic[];

    before(() => {
      diagnostics = typecheckExamples(root, blocks.filter(isTypeScript));
    });

    it('the harness itself (prelude, globals, Express types) compiles', () => {
      const own = diagnostics.filter((d) => !d.page.startsWith('docs/'));
      expect(own.map((d) => `${d.page}: ${d.message}`)).to.deep.equal([]);
    });

    it('only tolerate pending API that is still missing (remove entries once it exists)', () => {
      const stale = PENDING_API.filter((p) => !diagnostics.some((d) => p.diagnostic.test(d.message)));
      expect(stale.map((p) => `${String(p.diagnostic)} (${p.reason})`), 'these PENDING_API entries no longer match anything: delete them').to.deep.equal([]);
    });

    const pages = [...new Set(blocks.filter(isTypeScript).map((b) => b.page))];
    for (const page of pages) {
      it(page, () => {
        const mine = diagnostics
          .filter((d) => d.page === page && !PENDING_API.some((p) => p.diagnostic.test(d.message)))
          .map((d) => `${d.page}:${d.line} ${d.message}`);
        expect(mine, `examples do not typecheck (files in .tmp/doc-examples; reproduce with npx tsc -p .tmp/doc-examples):\n${mine.join('\n')}`).to.deep.equal([]);
      });
    }
  });
});
