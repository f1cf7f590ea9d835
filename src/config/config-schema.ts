import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCHEMA_FILE = 'schema/databases.schema.json';

/**
 * Where the schema file is, seen from a module at `moduleUrl`. The package root is two levels up
 * from `src/config/` (running the TypeScript sources) and three from `dist/src/config/` (compiled),
 * so both are tried, nearest first.
 */
export function findSchemaFile(moduleUrl: string | URL): string {
  const candidates = ['../../', '../../../'].map((up) => fileURLToPath(new URL(up + SCHEMA_FILE, moduleUrl)));
  const found = candidates.find((file) => existsSync(file));
  if (found === undefined) throw new Error(`unipool: cannot find ${SCHEMA_FILE} (looked at ${candidates.join(', ')}); the package is incomplete, reinstall it`);
  return found;
}

let cachedPath: string | undefined;
let cachedText: string | undefined;
let cachedSchema: Readonly<Record<string, unknown>> | undefined;

/** Absolute path of `schema/databases.schema.json`, the source of truth of the configuration. */
export function schemaPath(): string {
  cachedPath ??= findSchemaFile(import.meta.url);
  return cachedPath;
}

/** The schema file's text, exactly as shipped (what `unipool schema` prints). */
export function readConfigSchemaText(): string {
  cachedText ??= readFileSync(schemaPath(), 'utf8');
  return cachedText;
}

/** The parsed JSON Schema (2020-12), read once. Treat it as read-only. */
export function loadConfigSchema(): Readonly<Record<string, unknown>> {
  cachedSchema ??= JSON.parse(readConfigSchemaText()) as Record<string, unknown>;
  return cachedSchema;
}
