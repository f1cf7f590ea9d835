import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import type { MachineInfo } from './bench-result.js';

/** The machine a run is measured on. */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: (list[0]?.model ?? 'unknown').replace(/\s+/g, ' ').trim(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: process.platform,
    arch: process.arch,
    node: process.versions.node,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

/**
 * Installed versions of `packages`, resolved from `fromDir` the way Node would import them; a
 * package that is not installed is left out. Works for packages whose `exports` hide package.json.
 */
export function packageVersions(packages: readonly string[], fromDir: string): Record<string, string> {
  const require = createRequire(join(fromDir, 'noop.js'));
  const versions: Record<string, string> = {};
  for (const name of packages) {
    const version = readVersion(require, name);
    if (version !== undefined) versions[name] = version;
  }
  return versions;
}

function readVersion(require: NodeJS.Require, name: string): string | undefined {
  let dir: string;
  try {
    dir = dirname(require.resolve(name));
  } catch {
    return undefined;
  }
  for (let i = 0; i < 6; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (json.name === name && typeof json.version === 'string') return json.version;
      } catch {
        return undefined;
      }
    }
    dir = dirname(dir);
  }
  return undefined;
}
