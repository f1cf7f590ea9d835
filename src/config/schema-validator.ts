import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { ConfigIssue } from '../errors.js';
import { loadConfigSchema } from './config-schema.js';
import { formatSchemaErrors } from './format-schema-errors.js';

let validate: ValidateFunction | undefined;

/**
 * Checks plain config data against `schema/databases.schema.json`. Ajv is built and the schema
 * compiled once, on first use (not at import, so importing unipool stays cheap); `allErrors`
 * so that every problem is reported at once, `verbose` so each carries the value received.
 */
export function schemaIssues(data: unknown): ConfigIssue[] {
  // `tsType` is for scripts/gen-config-types.ts (a TypeScript type JSON cannot express); declared
  // so that strict mode accepts it.
  validate ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true }).addKeyword('tsType').compile(loadConfigSchema());
  return validate(data) ? [] : formatSchemaErrors(validate.errors ?? []);
}
