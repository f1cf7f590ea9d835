import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** A generated Prisma 7 client module (`prisma-client` generator, TypeScript output). */
export interface GeneratedPrismaClient {
  /** The generated `client.ts`, to `import()`. */
  readonly url: string;
  /** Removes the generated files. */
  remove(): void;
}

/**
 * Generates a Prisma client for one model mapped to `table`, under the repository's ignored `.tmp/`
 * (so the generated code resolves `@prisma/client` from node_modules and `git status` stays clean).
 * `prisma generate` needs no engine binary, but the CLI looks for the schema engine at start-up and
 * would download it from binaries.prisma.sh; pointing PRISMA_SCHEMA_ENGINE_BINARY at a program
 * that is never run keeps it from going beyond the npm registry.
 */
export async function generatePrismaClient(table: string): Promise<GeneratedPrismaClient> {
  const dir = join(root, '.tmp', `prisma-${process.pid}-${table}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'schema.prisma'),
    `generator client {
  provider = "prisma-client"
  output   = "./generated"
}
datasource db {
  provider = "postgresql"
}
model Item {
  id    Int    @id
  label String
  @@map("${table}")
}
`,
  );
  await promisify(execFile)(join(root, 'node_modules/.bin/prisma'), ['generate', '--schema', join(dir, 'schema.prisma')], {
    cwd: dir,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false', PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
  });
  return {
    url: pathToFileURL(join(dir, 'generated', 'client.ts')).href,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
