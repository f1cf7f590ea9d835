import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../../src/adapter.js';
import { loadConfigSchema } from '../../../src/config/config-schema.js';
import type { DatabaseConfig } from '../../../src/config/databases-config.js';
import { descriptors, ENGINE_NAMES } from '../../../src/engine-descriptors.js';
import { adapters } from '../../../src/engines.js';

// `Engine` stays a written union in src/adapter.ts: deriving it from the descriptor table would make
// the core's seam import every adapter folder. These checks keep the lists from drifting instead.

/** `true` only when A and B are the same union. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Compile-time (npm run typecheck): the Engine type, the descriptor and adapter table keys, and the
// type generated from the schema's enum are one set.
const typesAgree: [Same<Engine, keyof typeof descriptors>, Same<Engine, keyof typeof adapters>, Same<Engine, DatabaseConfig['engine']>] = [true, true, true];

function schemaEngines(): string[] {
  const defs = loadConfigSchema()['$defs'] as Record<string, { properties: Record<string, { enum?: unknown[] }> }>;
  return (defs['database']?.properties['engine']?.enum ?? []).map(String);
}

describe('the engine lists agree', () => {
  it('the Engine type, the descriptor table, the adapter table and the generated config type are one set (checked by tsc)', () => {
    expect(typesAgree).to.deep.equal([true, true, true]);
  });

  it("the schema's engine enum is the descriptor list, in the same order", () => {
    expect(schemaEngines()).to.deep.equal([...ENGINE_NAMES]);
  });

  it('the adapter table has the same engines, in the same order', () => {
    expect(Object.keys(adapters)).to.deep.equal([...ENGINE_NAMES]);
  });

  it('each descriptor and adapter names the engine it is filed under', () => {
    for (const engine of ENGINE_NAMES) {
      expect(descriptors[engine].engine, `descriptors.${engine}`).to.equal(engine);
      expect(adapters[engine].engine, `adapters.${engine}`).to.equal(engine);
    }
  });

  it('each adapters/<engine>/ folder is a listed engine, with its descriptor', () => {
    const root = fileURLToPath(new URL('../../../adapters/', import.meta.url));
    const folders = readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect([...folders].sort()).to.deep.equal([...ENGINE_NAMES].sort());
    for (const engine of folders) expect(readdirSync(`${root}${engine}`), `adapters/${engine}/`).to.include(`${engine}-descriptor.ts`);
  });

  it('no two engines claim the same URL scheme', () => {
    const schemes = ENGINE_NAMES.flatMap((engine) => descriptors[engine].urlSchemes);
    expect(new Set(schemes).size).to.equal(schemes.length);
  });
});
