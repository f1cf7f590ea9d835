import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import type { CodeBlock } from './doc-examples.js';

/** Where the examples are written to be typechecked (gitignored). */
export const EXAMPLES_DIR = '.tmp/doc-examples';

/** One problem the compiler found in an example, mapped back to its page. */
export interface ExampleDiagnostic {
  readonly page: string;
  /** Line in the Markdown page. */
  readonly line: number;
  readonly message: string;
}

// Names examples may use without declaring them (documented in docs/contributing-docs.md). They are
// typed by really calling createDatabases(), so they follow the library's types wherever they go.
const PRELUDE = `import express from 'express';
import { createDatabases } from 'unipool';

export const dbs = createDatabases({
  default: { engine: 'postgres', url: 'postgres://app@127.0.0.1:5432/app' },
  replica: { engine: 'postgres', url: 'postgres://app@127.0.0.1:5432/app' },
  cache: { engine: 'sqlite', database: ':memory:' },
});
export const db = dbs.default;
export const app = express();
export { createDatabases };
`;

const GLOBALS = `declare global {
  const dbs: typeof import('./prelude.js').dbs;
  const db: typeof import('./prelude.js').db;
  const app: typeof import('./prelude.js').app;
  const createDatabases: typeof import('./prelude.js').createDatabases;
}
export {};
`;

// Express is not a dependency of the project; the tutorial uses it. This declares the part the
// examples touch, with Express 5's types, so the examples are checked rather than left untyped.
const EXPRESS = `declare module 'express' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http';
  export interface Request extends IncomingMessage { params: Record<string, string>; query: Record<string, unknown>; body: unknown }
  export interface Response extends ServerResponse {
    status(code: number): Response;
    json(body: unknown): Response;
    send(body: string | Buffer): Response;
    type(type: string): Response;
  }
  export type NextFunction = (error?: unknown) => void;
  export type Handler = (req: Request, res: Response, next: NextFunction) => unknown;
  export type Middleware = (req: any, res: any, next: NextFunction) => unknown;
  export type ErrorHandler = (error: any, req: Request, res: Response, next: NextFunction) => unknown;
  export interface Application {
    use(...handlers: (Middleware | ErrorHandler)[]): Application;
    get(path: string, ...handlers: Handler[]): Application;
    post(path: string, ...handlers: Handler[]): Application;
    listen(port: number, callback?: () => void): Server;
  }
  interface Express { (): Application; json(): Middleware }
  const express: Express;
  export default express;
}
`;

/** The file a block is written to: `// name.ts` on its first line names it, so later blocks can import it. */
function fileNameOf(block: CodeBlock, index: number): string {
  const named = /^\/\/\s*([\w.-]+\.ts)\s*$/.exec(block.code.split('\n')[0] ?? '');
  return named?.[1] ?? `block-${String(index + 1).padStart(2, '0')}-line-${block.line}.ts`;
}

function pageDir(page: string): string {
  return page.replace(/^docs\//, '').replace(/\.md$/, '').replace(/[^\w-]+/g, '_');
}

/**
 * Writes every TypeScript block to `.tmp/doc-examples/<page>/…` (one module each, `unipool` mapped
 * to `src/index.ts`) and typechecks them together with the project's strict settings. Returns the
 * diagnostics of the examples only, with their Markdown page and line.
 */
export function typecheckExamples(root: string, blocks: readonly CodeBlock[], dir = join(root, EXAMPLES_DIR)): ExampleDiagnostic[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'prelude.ts'), PRELUDE);
  writeFileSync(join(dir, 'globals.d.ts'), GLOBALS);
  writeFileSync(join(dir, 'express.d.ts'), EXPRESS);

  const origin = new Map<string, CodeBlock>();
  const perPage = new Map<string, number>();
  for (const block of blocks) {
    const index = perPage.get(block.page) ?? 0;
    perPage.set(block.page, index + 1);
    let file = join(dir, pageDir(block.page), fileNameOf(block, index));
    // Tabs of a code group (```ts [MySQL]) show the same file for another engine: the first tab is
    // the page's file, later ones go to a folder named after their tab, beside their own siblings.
    if (origin.has(file) && block.title !== undefined) file = join(dir, pageDir(block.page), pageDir(block.title), fileNameOf(block, index));
    if (origin.has(file)) throw new Error(`docs examples: two blocks in ${block.page} are both named ${relative(dir, file)}`);
    mkdirSync(join(file, '..'), { recursive: true });
    // `export {}` makes every block a module, so its own `db`/`dbs` shadow the globals instead of clashing.
    writeFileSync(file, `${block.code}\nexport {};\n`);
    origin.set(file, block);
  }

  // The project's strict settings, plus `unipool` mapped to the source. Written out as a real
  // tsconfig so `npx tsc -p .tmp/doc-examples` reproduces a failure by hand.
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      types: ['node'],
      typeRoots: [join(root, 'node_modules/@types')],
      strict: true,
      noUncheckedIndexedAccess: true,
      noImplicitOverride: true,
      verbatimModuleSyntax: true,
      resolveJsonModule: true,
      esModuleInterop: false,
      skipLibCheck: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      paths: {
        unipool: [join(root, 'src/index.ts')],
        'unipool/kysely': [join(root, 'src/integrations/kysely/index.ts')],
        'unipool/fastify': [join(root, 'src/integrations/fastify/index.ts')],
      },
    },
    include: ['**/*.ts'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  const { options, errors } = ts.convertCompilerOptionsFromJson(tsconfig.compilerOptions, dir);
  if (errors.length > 0) throw new Error(`docs examples: bad compiler options: ${errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, ' ')).join('; ')}`);

  const roots = [join(dir, 'prelude.ts'), join(dir, 'globals.d.ts'), join(dir, 'express.d.ts'), ...origin.keys()];
  const program = ts.createProgram(roots, options);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const found: ExampleDiagnostic[] = [];
  for (const d of diagnostics) {
    const file = d.file?.fileName;
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const block = file === undefined ? undefined : origin.get(file);
    if (block === undefined) {
      // A problem in the harness itself (prelude, globals) must fail too; problems in src/ are the library's, not the docs'.
      if (file !== undefined && file.startsWith(dir)) found.push({ page: relative(root, file), line: 0, message });
      continue;
    }
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    found.push({ page: block.page, line: block.line + 1 + line, message: `TS${d.code}: ${message}` });
  }
  return found;
}
