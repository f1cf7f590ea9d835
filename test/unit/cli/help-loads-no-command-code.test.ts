import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the CLI in a child process with a module hook that records every file it loads. */
function loadedModules(args: readonly string[], status = 0): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'unipool-loads-'));
  try {
    const log = join(dir, 'loads.txt');
    writeFileSync(log, '');
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(${JSON.stringify(log)}, url + '\\n');\n  return next(url, context);\n}\n`);
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const run = spawnSync(process.execPath, ['--import', register, '--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: repo, encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(status);
    return readFileSync(log, 'utf8').split('\n').filter((url) => url.startsWith('file:') && !url.includes('/node_modules/'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('unipool --help pays only for the help', function () {
  this.timeout(60_000);

  it('loads neither the benchmark nor the code of check and doctor (config validator, adapters)', () => {
    const loaded = loadedModules(['--help']);
    expect(loaded.some((url) => url.endsWith('/src/cli/main.ts')), 'the hook sees the CLI load').to.equal(true);
    const heavy = loaded.filter((url) => url.includes('/src/cli/bench/') || url.includes('/adapters/') || url.includes('/src/config/resolve-config') || url.includes('/src/metrics/'));
    expect(heavy).to.deep.equal([]);
  });

  it('loads a command\'s code when it runs (the lazy imports resolve)', () => {
    // --seconds 0 is refused by the benchmark's own option check, after its code has loaded.
    expect(loadedModules(['bench', '--seconds', '0'], 2).some((url) => url.endsWith('/src/cli/bench/run-bench-command.ts'))).to.equal(true);
    expect(loadedModules(['check', 'test/fixtures/configs/valid/sqlite-memory.json']).some((url) => url.endsWith('/src/cli/commands/run-check-command.ts'))).to.equal(true);
  });
});
