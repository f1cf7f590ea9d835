import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Where bench/tsconfig.json compiles to (inside the repository, so Node finds node_modules above it). */
export const BUILD_DIR = '.tmp/bench-build';

/**
 * Compiles the library and the suite with tsc, then runs the compiled suite in a child process.
 * The benchmark measures the JavaScript users run: under tsx every closure of the TypeScript
 * sources is wrapped by esbuild's keepNames helper, a per-call cost the published package does not
 * have and the drivers (plain JavaScript) never pay. Resolves to the child's exit code.
 */
export async function buildAndRun(root: string, argv: readonly string[]): Promise<number> {
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  process.stderr.write('bench: compiling the library and the suite (tsc)…\n');
  const build = spawnSync(process.execPath, [tsc, '-p', join(root, 'bench/tsconfig.json')], { stdio: 'inherit', cwd: root });
  if (build.status !== 0) {
    process.stderr.write('bench: compilation failed (see above)\n');
    return 1;
  }
  const out = join(root, BUILD_DIR);
  mkdirSync(out, { recursive: true });
  // The library finds its schema and its version two directories above src/config and src/cli.
  cpSync(join(root, 'schema'), join(out, 'schema'), { recursive: true });
  cpSync(join(root, 'package.json'), join(out, 'package.json'));
  const child = spawn(process.execPath, [join(out, 'bench/run.js'), ...argv], { stdio: 'inherit', cwd: process.cwd(), env: { ...process.env, UNIPOOL_BENCH_ROOT: root } });
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128 + 2)));
    child.once('error', (error) => {
      process.stderr.write(`bench: could not start the compiled suite: ${error.message}\n`);
      resolve(1);
    });
  });
}
