import type { ResolvedPoolOptions } from './resolved-config.js';
import { loadConfigSchema } from './config-schema.js';

/** The facts the resolver reads from the schema, so defaults and names have one source. */
export interface SchemaFacts {
  /** Option names of one database, in schema order. */
  readonly databaseOptions: readonly string[];
  /** Option names of `pool`, in schema order. */
  readonly poolOptions: readonly string[];
  /** The pool defaults (`default` of every `pool` property). */
  readonly poolDefaults: ResolvedPoolOptions;
  /** Aliases the registry's own members take (`get`, `close`, …). */
  readonly reservedAliases: readonly string[];
}

let cached: SchemaFacts | undefined;

/** Reads the names, defaults and reserved aliases out of `schema/databases.schema.json`, once. */
export function schemaFacts(): SchemaFacts {
  cached ??= readFacts(loadConfigSchema());
  return cached;
}

function readFacts(schema: Readonly<Record<string, unknown>>): SchemaFacts {
  const defs = record(schema['$defs'], '$defs');
  const database = record(record(defs['database'], '$defs.database')['properties'], '$defs.database.properties');
  const pool = record(record(defs['pool'], '$defs.pool')['properties'], '$defs.pool.properties');
  const poolDefaults: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(pool)) {
    const value = record(property, `pool.${name}`)['default'];
    if (value === undefined) throw new Error(`unipool: schema property pool.${name} has no default`);
    poolDefaults[name] = value;
  }
  const names = record(record(schema['propertyNames'], 'propertyNames')['not'], 'propertyNames.not')['enum'];
  if (!Array.isArray(names)) throw new Error('unipool: schema propertyNames.not.enum is not a list');
  return Object.freeze({
    databaseOptions: Object.freeze(Object.keys(database)),
    poolOptions: Object.freeze(Object.keys(pool)),
    poolDefaults: Object.freeze(poolDefaults) as unknown as ResolvedPoolOptions,
    reservedAliases: Object.freeze(names.map(String)),
  });
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new Error(`unipool: schema ${where} is missing; the package is damaged, reinstall it`);
  return value as Record<string, unknown>;
}
