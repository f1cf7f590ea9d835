import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/*
 * The exported API is what the docs describe, nothing more: this test emits the declarations the
 * package ships (tsconfig.build.json, with stripInternal) and compares, per entry point of
 * package.json's `exports`, every exported name — and every public member of exported classes —
 * with a committed snapshot. Anything that grows or shrinks the surface fails here until the
 * snapshot is updated on purpose.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const snapshotFile = join(root, 'test/unit/api/public-api.snapshot.txt');
const UPDATE = 'UNIPOOL_UPDATE_API_SNAPSHOT=1 npx mocha test/unit/api/public-api-matches-snapshot.test.ts';

/** `./dist/src/x.d.ts` of every entry point in package.json's exports map. */
function entryPoints(): Array<readonly [string, string]> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const entries: Array<readonly [string, string]> = [];
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const types = typeof target === 'object' && target !== null ? (target as { types?: unknown }).types : undefined;
    if (typeof types === 'string') entries.push([subpath, types]);
  }
  return entries;
}

function isTypeOnlyExport(symbol: ts.Symbol): boolean {
  const declaration = symbol.declarations?.[0];
  if (declaration === undefined || !ts.isExportSpecifier(declaration)) return false;
  return declaration.isTypeOnly || declaration.parent.parent.isTypeOnly;
}

function kindOf(symbol: ts.Symbol): string {
  const flags = symbol.flags;
  if (flags & ts.SymbolFlags.Class) return 'class';
  if (flags & ts.SymbolFlags.Interface) return 'interface';
  if (flags & ts.SymbolFlags.TypeAlias) return 'type';
  if (flags & ts.SymbolFlags.Function) return 'function';
  if (flags & ts.SymbolFlags.Enum) return 'enum';
  if (flags & ts.SymbolFlags.Variable) return 'const';
  return 'other';
}

/** Declared in the package's own declarations (not inherited from the lib's `Error`, which varies with @types/node). */
function ownDeclaration(member: ts.Symbol, dtsRoot: string): boolean {
  return member.declarations?.some((d) => d.getSourceFile().fileName.startsWith(dtsRoot)) === true;
}

/** Public members of a class: its constructor (unless only its type is exported), static and instance members. */
function classMembers(checker: ts.TypeChecker, symbol: ts.Symbol, typeOnly: boolean, dtsRoot: string): string[] {
  const lines: string[] = [];
  const declaration = symbol.declarations?.find(ts.isClassDeclaration);
  if (!typeOnly) {
    const constructors = declaration?.members.filter(ts.isConstructorDeclaration) ?? [];
    if (constructors.length === 0) lines.push(declaration?.heritageClauses === undefined ? 'constructor()' : 'constructor (inherited)');
    for (const ctor of constructors) {
      const hidden = ctor.modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);
      lines.push(`${hidden === true ? 'non-public ' : ''}constructor(${ctor.parameters.map((p) => p.name.getText()).join(', ')})`);
    }
    for (const member of checker.getPropertiesOfType(checker.getTypeOfSymbol(symbol))) {
      if (member.name !== 'prototype' && ownDeclaration(member, dtsRoot)) lines.push(`static ${member.name}`);
    }
  }
  for (const member of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
    if (member.name.startsWith('#') || member.name.startsWith('__') || !ownDeclaration(member, dtsRoot)) continue;
    lines.push(member.name);
  }
  return lines;
}

function describeSurface(dtsRoot: string): string {
  const entries = entryPoints();
  const files = entries.map(([, types]) => join(dtsRoot, types.replace(/^\.\/dist\//, '')));
  for (const file of files) expect(existsSync(file), `${file} was not emitted`).to.equal(true);
  const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, types: ['node'] });
  const checker = program.getTypeChecker();
  const out: string[] = [];
  entries.forEach(([subpath], index) => {
    const source = program.getSourceFile(files[index]!)!;
    const moduleSymbol = checker.getSymbolAtLocation(source)!;
    out.push(`entry ${subpath}`);
    const exported = [...checker.getExportsOfModule(moduleSymbol)].sort((a, b) => a.name.localeCompare(b.name));
    for (const symbol of exported) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const kind = kindOf(target);
      const typeOnly = isTypeOnlyExport(symbol) && (kind === 'class' || kind === 'const' || kind === 'function');
      out.push(`  ${kind} ${symbol.name}${typeOnly ? ' (type only)' : ''}`);
      if (kind === 'class') for (const line of classMembers(checker, target, typeOnly, dtsRoot)) out.push(`    ${line}`);
    }
  });
  // The node: modules the declarations need: each is a type dependency users compile against.
  const nodeImports = new Set<string>();
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(dtsRoot)) continue;
    for (const imported of ts.preProcessFile(file.text, true, true).importedFiles) {
      if (imported.fileName.startsWith('node:')) nodeImports.add(imported.fileName);
    }
  }
  out.push(`node modules the declarations import: ${nodeImports.size === 0 ? '(none)' : [...nodeImports].sort().join(', ')}`);
  return `${out.join('\n')}\n`;
}

describe('public API: the emitted declarations export exactly the documented surface', function () {
  this.timeout(180_000);
  let dtsRoot: string;

  before(() => {
    dtsRoot = mkdtempSync(join(tmpdir(), 'unipool-api-'));
    const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
    const build = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--emitDeclarationOnly', '--outDir', dtsRoot], { cwd: root, encoding: 'utf8' });
    expect(build.status, `tsc failed:\n${build.stdout}${build.stderr}`).to.equal(0);
  });

  after(() => rmSync(dtsRoot, { recursive: true, force: true }));

  it('matches test/unit/api/public-api.snapshot.txt', () => {
    const actual = describeSurface(dtsRoot);
    if (process.env['UNIPOOL_UPDATE_API_SNAPSHOT'] === '1') writeFileSync(snapshotFile, actual);
    const expected = existsSync(snapshotFile) ? readFileSync(snapshotFile, 'utf8') : '(no snapshot yet)\n';
    expect(actual, `The public API changed. If that is intended (and documented), update the snapshot with:\n  ${UPDATE}\nand commit test/unit/api/public-api.snapshot.txt with the change.`).to.equal(expected);
  });

  it('hides the internals: no constructor users can call, no per-database close(), no endScope()', () => {
    const surface = describeSurface(dtsRoot);
    const members = (cls: string): string[] => {
      const lines = surface.split('\n');
      const start = lines.indexOf(`  class ${cls} (type only)`);
      expect(start, `${cls} is exported as a type only`).to.be.at.least(0);
      const rest = lines.slice(start + 1);
      const end = rest.findIndex((line) => !line.startsWith('    '));
      return rest.slice(0, end).map((line) => line.trim());
    };
    expect(members('Database')).to.include.members(['query', 'atomic', 'session', 'stream', 'stats']);
    expect(members('Database')).not.to.include.oneOf(['endScope', 'close']);
    expect(members('DatabaseRegistry')).to.include('close');
    expect(surface).not.to.match(/^ {2}\w+ (Adapter|DatabaseCore)\b/m);
    // The drop-in pools are EventEmitters, as pg's and mysql2's pools are (node:events); nothing of
    // the internals (AsyncLocalStorage's node:async_hooks) may reach a user's type checker.
    expect(surface).to.match(/node modules the declarations import: (\(none\)|node:events)$/m);
  });
});
