import { spawnSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { redactSecrets } from '../config/redact-secrets.js';
import { locateJsonError } from './json-error-location.js';
import { UsageError } from './usage-error.js';

/** The files `unipool check` looks for when no config file is named, in this order. */
export const DEFAULT_CONFIG_FILES = ['unipool.config.json', 'unipool.config.js', 'unipool.config.mjs', 'unipool.config.cjs', 'unipool.config.ts', 'unipool.config.mts'] as const;

const JSON_EXTENSIONS = new Set(['.json']);
const JS_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);
const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

/**
 * The config file in `cwd` when none is named: exactly one of `DEFAULT_CONFIG_FILES` must exist
 * (two would be ambiguous). Returns the file name, relative to `cwd`.
 */
export async function findConfigFile(cwd: string): Promise<string> {
  const found: string[] = [];
  for (const name of DEFAULT_CONFIG_FILES) if (await isFile(resolve(cwd, name))) found.push(name);
  if (found.length === 1) return found[0] ?? '';
  if (found.length > 1) throw new UsageError(`found several config files (${found.join(', ')}) — name the one to check: unipool check <file>`);
  throw new UsageError(`no config file named and none found in ${cwd} (looked for ${DEFAULT_CONFIG_FILES.join(', ')}) — name one: unipool check <file>`);
}

/**
 * Reads a config file: JSON (errors with line and column), a JS module whose `databases` export
 * or default export is the config, or a TypeScript module (loaded through tsx when installed).
 * Every failure is a `UsageError` whose message starts with the file name.
 */
export async function loadConfigFile(file: string, cwd: string): Promise<unknown> {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  const extension = extname(path).toLowerCase();
  const known = JSON_EXTENSIONS.has(extension) || JS_EXTENSIONS.has(extension) || TS_EXTENSIONS.has(extension);
  if (!known) throw new UsageError(`${file}: unsupported file type "${extension || '(none)'}" — use .json, .js, .mjs, .cjs or .ts`);
  if (!(await isFile(path))) throw new UsageError(`${file}: file not found`);
  if (JSON_EXTENSIONS.has(extension)) return readJson(file, path);
  return pickExport(file, await importModule(file, path, TS_EXTENSIONS.has(extension)));
}

async function readJson(file: string, path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${file}: cannot be read (${describe(error)})`);
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const where = locateJsonError(text);
    if (where === undefined) throw new UsageError(`${file}: invalid JSON (${describe(error)})`);
    throw new UsageError(`${file}:${where.line}:${where.column}: invalid JSON: ${where.message}`);
  }
}

async function importModule(file: string, path: string, typescript: boolean): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  try {
    if (!typescript) return (await import(url)) as Record<string, unknown>;
    return (await (await loadTsImport(file))(url, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file}: could not be loaded: ${describe(error)}${syntaxErrorLocation(error, path)}`);
  }
}

type TsImport = (specifier: string, parentUrl: string) => Promise<unknown>;

async function loadTsImport(file: string): Promise<TsImport> {
  // tsx is a development tool, not a dependency of unipool: load it only for a .ts config.
  const specifier = 'tsx/esm/api';
  try {
    const api = (await import(specifier)) as { tsImport?: TsImport };
    if (typeof api.tsImport === 'function') return api.tsImport;
  } catch {
    // fall through to the install hint
  }
  throw new UsageError(`${file}: loading a TypeScript config needs the package "tsx" — npm install --save-dev tsx, or write the config as .json or .js`);
}

function pickExport(file: string, module: Record<string, unknown>): unknown {
  if (module['databases'] !== undefined) return module['databases'];
  if (module['default'] !== undefined) return module['default'];
  throw new UsageError(`${file}: exports no config — add "export default { default: { … } }" or "export const databases = { … }"`);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function describe(error: unknown): string {
  return redactSecrets(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}

/**
 * Node's SyntaxError for an ES module carries no line number (it prints it to stderr only when the
 * error is fatal), so ask `node --check`, which prints "<path>:<line>" first.
 */
function syntaxErrorLocation(error: unknown, path: string): string {
  if (!(error instanceof SyntaxError) || !JS_EXTENSIONS.has(extname(path).toLowerCase())) return '';
  const check = spawnSync(process.execPath, ['--check', path], { encoding: 'utf8', timeout: 10_000 });
  const match = /:(\d+)\r?\n/.exec(check.stderr ?? '');
  return match === null ? '' : ` (line ${match[1] ?? '?'})`;
}
