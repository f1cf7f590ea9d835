import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findSchemaFile } from '../../../src/config/config-schema.js';

describe('finding the schema file', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'unipool-schema-'));
    mkdirSync(join(root, 'schema'));
    writeFileSync(join(root, 'schema', 'databases.schema.json'), '{}');
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('from the TypeScript sources (src/config/)', () => {
    const moduleUrl = pathToFileURL(join(root, 'src', 'config', 'config-schema.ts'));
    expect(findSchemaFile(moduleUrl)).to.equal(join(root, 'schema', 'databases.schema.json'));
  });

  it('from the compiled package (dist/src/config/)', () => {
    const moduleUrl = pathToFileURL(join(root, 'dist', 'src', 'config', 'config-schema.js'));
    expect(findSchemaFile(moduleUrl)).to.equal(join(root, 'schema', 'databases.schema.json'));
  });

  it('says the package is incomplete when the file is missing', () => {
    rmSync(join(root, 'schema'), { recursive: true });
    const moduleUrl = pathToFileURL(join(root, 'dist', 'src', 'config', 'config-schema.js'));
    expect(() => findSchemaFile(moduleUrl)).to.throw(/cannot find schema\/databases\.schema\.json .*reinstall it/);
  });
});
