import { readFileSync } from 'node:fs';

/** unipool's version, from its package.json (two levels up from src/cli/, three from dist/src/cli/). */
export function packageVersion(): string {
  for (const up of ['../../', '../../../']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(`${up}package.json`, import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'unipool' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not this layout; try the next
    }
  }
  return 'unknown';
}
