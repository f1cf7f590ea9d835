import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { generateConfigTypes, TYPES_FILE } from '../../../scripts/gen-config-types.js';
import type { DatabaseConfig, DatabasesConfig, PoolConfig } from '../../../src/config/databases-config.js';
import { validateConfig } from '../../../src/config/validate-config.js';

describe('generated config types', () => {
  it('src/config/databases-config.ts is what the schema generates (else run npx tsx scripts/gen-config-types.ts)', async function () {
    this.timeout(60_000);
    const generated = await generateConfigTypes();
    expect(readFileSync(TYPES_FILE, 'utf8') === generated, 'src/config/databases-config.ts is stale: run npx tsx scripts/gen-config-types.ts').to.equal(true);
    expect(generated).to.match(/^\/\/ generated — do not edit\./);
  });

  it('the types accept what the validator accepts', () => {
    // Compile-time half of the check: these assignments must type-check (npm run typecheck).
    const pool: PoolConfig = { min: 1, max: 4, maxWaiting: null, order: 'fifo' };
    const database: DatabaseConfig = { engine: 'postgres', url: process.env['UNIPOOL_TEST_UNSET_URL'] ?? 'postgres://db/app', pool, release: 'request' };
    const config: DatabasesConfig = { $schema: './schema.json', default: database, cache: { engine: 'sqlite', database: ':memory:', options: { timeout: 1 } } };
    expect(validateConfig(config).valid).to.equal(true);
  });
});
