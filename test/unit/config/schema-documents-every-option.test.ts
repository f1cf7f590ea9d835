import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { loadConfigSchema, readConfigSchemaText, schemaPath } from '../../../src/config/config-schema.js';
import { schemaFacts } from '../../../src/config/schema-facts.js';

type Schema = { description?: string; default?: unknown; properties?: Record<string, Schema>; $defs?: Record<string, Schema> };

describe('schema/databases.schema.json', () => {
  const schema = loadConfigSchema() as Schema;
  const defs = schema.$defs ?? {};

  it('is a valid JSON Schema 2020-12 document', () => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).to.equal(true);
    expect(readConfigSchemaText()).to.include('"$schema": "https://json-schema.org/draft/2020-12/schema"');
    expect(schemaPath()).to.match(/schema[/\\]databases\.schema\.json$/);
  });

  it('describes every property', () => {
    const places: [string, Record<string, Schema>][] = [
      ['root', schema.properties ?? {}],
      ['database', defs['database']?.properties ?? {}],
      ['pool', defs['pool']?.properties ?? {}],
    ];
    for (const [where, properties] of places) {
      for (const [name, property] of Object.entries(properties)) {
        expect(property.description, `${where}.${name}`).to.be.a('string').and.not.equal('');
      }
    }
  });

  it('gives a default to every option that has one engine-independent default', () => {
    const database = defs['database']?.properties ?? {};
    for (const name of ['ssl', 'options', 'release']) expect(database[name]?.default, name).to.not.equal(undefined);
    for (const [name, property] of Object.entries(defs['pool']?.properties ?? {})) expect(property.default, `pool.${name}`).to.not.equal(undefined);
  });

  it('requires the "default" alias', () => {
    expect((schema as { required?: string[] }).required).to.deep.equal(['default']);
  });

  it('reserves the registry member names', () => {
    const reserved = schemaFacts().reservedAliases;
    for (const name of ['get', 'has', 'aliases', 'close', 'scope', 'middleware', 'metrics', 'stats', 'then', 'constructor', 'prototype', 'toString', 'toJSON', 'valueOf', '__proto__']) {
      expect(reserved, name).to.include(name);
    }
  });
});
