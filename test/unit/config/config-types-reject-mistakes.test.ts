import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import ts from 'typescript';
import { MUST_FAIL, MUST_PASS, type ConfigTypeCase } from '../../fixtures/config-types/config-type-cases.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = join(root, '.tmp/config-types');

/** Line numbers (1-based) of each program's diagnostics, by case name, from one strict compile. */
function compile(cases: readonly ConfigTypeCase[]): Map<string, { line: number; message: string }[]> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, string>();
  for (const { name, code } of cases) {
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, `${code}\nexport {};\n`);
    files.set(file, name);
  }
  const { options, errors } = ts.convertCompilerOptionsFromJson(
    {
      target: 'ES2022',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      types: ['node'],
      typeRoots: [join(root, 'node_modules/@types')],
      strict: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      noEmit: true,
      paths: { unipool: [join(root, 'src/index.ts')] },
    },
    dir,
  );
  if (errors.length > 0) throw new Error('bad compiler options');
  const program = ts.createProgram([...files.keys()], options);
  const found = new Map<string, { line: number; message: string }[]>(cases.map((c) => [c.name, []]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const name = diagnostic.file === undefined ? undefined : files.get(diagnostic.file.fileName);
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (name === undefined) throw new Error(`a diagnostic outside the fixtures: ${diagnostic.file?.fileName ?? ''}: ${message}`);
    found.get(name)!.push({ line: diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1, message });
  }
  return found;
}

describe('config types: the editor flags what the schema rejects (tsc --strict on fixtures)', function () {
  this.timeout(120_000);
  let diagnostics: Map<string, { line: number; message: string }[]>;
  before(() => {
    diagnostics = compile([...MUST_PASS, ...MUST_FAIL]);
  });

  for (const { name } of MUST_PASS) {
    it(`compiles: ${name}`, () => {
      expect(diagnostics.get(name)).to.deep.equal([]);
    });
  }

  for (const { name, code } of MUST_FAIL) {
    it(`fails on the marked line: ${name}`, () => {
      const marked = code.split('\n').flatMap((text, index) => (text.includes('// ✗') ? [index + 1] : []));
      const found = diagnostics.get(name) ?? [];
      expect(found, 'tsc accepted a config the schema rejects').to.not.deep.equal([]);
      expect([...new Set(found.map((d) => d.line))], found.map((d) => d.message).join('\n---\n')).to.deep.equal(marked);
    });
  }
});
