import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** Where `vitepress build docs` writes the site. */
export const DIST_DIR = 'docs/.vitepress/dist';

/**
 * Runs `vitepress build docs` in a child process (VitePress bundles its config with its own
 * esbuild; running it apart keeps the test runner's tsx loader out of the way). Rejects with the
 * build output when it fails — dead links fail the build.
 */
export function buildDocsSite(root: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/vitepress/bin/vitepress.js'), 'build', 'docs'], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`vitepress build docs exited with ${code}:\n${output}`));
    });
  });
}
