/**
 * `unipool/kysely`: Kysely on a unipool database. Importing this entry point loads `kysely`; the
 * main `unipool` entry never does.
 */
export { UnipoolDialect, type UnipoolDialectConfig } from './unipool-dialect.js';
