/**
 * Generates `src/config/databases-config.ts` (the config's TypeScript types) from
 * `schema/databases.schema.json`, the single source of truth. Run after editing the schema:
 *
 *   npx tsx scripts/gen-config-types.ts
 *
 * A unit test regenerates the types in memory and fails when the committed file differs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

/** The schema the types come from. */
export const SCHEMA_FILE = fileURLToPath(new URL('../schema/databases.schema.json', import.meta.url));
/** The generated file. */
export const TYPES_FILE = fileURLToPath(new URL('../src/config/databases-config.ts', import.meta.url));

const BANNER = `// generated — do not edit. Source: schema/databases.schema.json; regenerate with:
//   npx tsx scripts/gen-config-types.ts`;

/** The text of `src/config/databases-config.ts` for the current schema. */
export async function generateConfigTypes(): Promise<string> {
  const schema = JSON.parse(await readFile(SCHEMA_FILE, 'utf8')) as JSONSchema;
  return compile(withoutRefDescriptions(schema), 'DatabasesConfig', {
    bannerComment: BANNER,
    additionalProperties: true,
    unknownAny: true,
    strictIndexSignatures: true,
    style: { singleQuote: true, printWidth: 120 },
  });
}

/**
 * A `description` next to a `$ref` (there for editors and the docs) makes json-schema-to-typescript
 * emit a duplicate interface (`DatabaseConfig1`); the referenced definition has its own description.
 */
function withoutRefDescriptions(node: JSONSchema): JSONSchema {
  if (Array.isArray(node)) return node.map((item: JSONSchema) => withoutRefDescriptions(item)) as unknown as JSONSchema;
  if (typeof node !== 'object' || node === null) return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) copy[key] = withoutRefDescriptions(value as JSONSchema);
  if (typeof copy['$ref'] === 'string') delete copy['description'];
  return copy as JSONSchema;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(TYPES_FILE, await generateConfigTypes());
  process.stdout.write(`wrote ${TYPES_FILE}\n`);
}
