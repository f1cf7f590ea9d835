import type { DatabaseConfig, PoolConfig } from './databases-config.js';

/*
 * `createDatabases<const Config extends DatabasesConfig>(config: Config)` infers the literal config
 * (so `dbs.default` and every alias are typed), but a type parameter switches off TypeScript's
 * excess-property check: `pool: { max: 10, maxConnections: 5 }` would type-check. These types
 * restore the checks the schema makes, on the inferred literal: the argument must also be
 * assignable to `CheckedConfig<Config>` (wrapped in `NoInfer`, so it checks without steering the
 * inference), which gives each key that must not be there a type no plain value has, named after
 * the problem so the editor's message says what is wrong.
 */

/*
 * The types below are objects, not string literals: intersected with the literal the user wrote
 * (`number & "…"`), a literal would collapse to `never` and TypeScript would then blame every key
 * of the entry; `number & { … }` stays a type that the value is simply not assignable to, so the
 * error lands on the offending key and its message names the problem.
 */

/** The type of a key that is not an option at that place (no plain value is assignable to it). */
export interface UnknownOption<Key extends PropertyKey> {
  readonly '✗ unknown option (see the schema)': Key;
}
/** The type of a key that contradicts another one (no plain value is assignable to it). */
export interface ConflictingOption<Key extends PropertyKey, Reason extends string> {
  readonly '✗ not allowed here': `"${Key & string}" ${Reason}`;
}

type NoUnknownKeys<T, Shape> = { [K in Exclude<keyof T, keyof Shape>]: UnknownOption<K> };
/** Keys written in the literal (required in its type); optional ones come from a wide type such as a spread `DatabaseConfig`. */
type WrittenKeys<T> = { [K in keyof T]-?: Partial<Pick<T, K>> extends Pick<T, K> ? never : K }[keyof T];
type Forbid<D, Keys extends PropertyKey, Reason extends string> = { [K in Extract<Keys, WrittenKeys<D>>]?: ConflictingOption<K, Reason> };

type UrlRules<D> = D extends { url: unknown }
  ? D extends { engine: 'sqlite' }
    ? Forbid<D, 'database', 'cannot be combined with "url"'>
    : Forbid<D, 'host' | 'port' | 'database' | 'user', 'cannot be combined with "url"'>
  : unknown;

type EngineRules<D> = D extends { engine: 'sqlite' } ? Forbid<D, 'host' | 'port' | 'user' | 'password' | 'ssl', 'is not used by sqlite'> : unknown;

type PoolRules<D> = D extends { pool: infer P } ? { pool?: NoUnknownKeys<P, PoolConfig> } : unknown;

/**
 * What a database entry must also satisfy: no unknown key (a pool option such as `max` belongs in
 * `pool`), no unknown pool option, no `url` beside `host`/`port`/`database`/`user`, no server-only
 * key on sqlite. Only keys written in the literal count: a value typed as the wide `DatabaseConfig`
 * passes unchanged.
 */
export type CheckedDatabase<D> = NoUnknownKeys<D, DatabaseConfig> & PoolRules<D> & UrlRules<D> & EngineRules<D>;

/**
 * The rules `createDatabases()` applies to its inferred config type, alias by alias. A config typed
 * with an index signature (a `DatabasesConfig` variable) is not narrowed further: the runtime
 * validation still reports every problem.
 */
export type CheckedConfig<Config> = string extends keyof Config
  ? unknown
  : { [Alias in keyof Config]: Alias extends '$schema' ? unknown : CheckedDatabase<Config[Alias]> };
