import { sql as drizzleSql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { ConnectionSettings } from '../src/adapter.js';
import type { DatabaseConfig } from '../src/config/databases-config.js';
import { createDatabases } from '../src/create-databases.js';
import type { ContenderSpec, PoolUnderTest, QueryFn } from '../src/cli/bench/pool-under-test.js';
import { pgConfig } from '../src/cli/bench/raw-driver-contenders.js';
import { tagOptions, type BaseConfig } from '../src/cli/bench/unipool-contender.js';

/** What the ORM runs on: its own pg.Pool, or unipool's `db.pgPool()`. */
export type OrmPoolSource = 'pg' | 'unipool';

interface OrmPool {
  readonly pool: pg.Pool;
  inUse(): number;
  close(): Promise<void>;
}

async function openPool(source: OrmPoolSource, config: BaseConfig, settings: ConnectionSettings, max: number, tag: string): Promise<OrmPool> {
  if (source === 'pg') {
    // The same driver config as the raw pg.Pool contender (TLS mode mapped to pg's own option).
    const pool = new pg.Pool({ ...pgConfig(settings), max, application_name: tag });
    pool.on('error', () => undefined); // an idle client dying is the benchmark's problem, not a crash
    return { pool, inUse: () => pool.totalCount - pool.idleCount, close: () => pool.end() };
  }
  const options = tagOptions(config, tag);
  const dbs = createDatabases({ default: { ...config, ...(options === undefined ? {} : { options }), pool: { min: 0, max, acquireTimeoutMs: 60_000 } } as unknown as DatabaseConfig });
  return { pool: dbs.default.pgPool<pg.Pool>(), inUse: () => dbs.default.stats().inUse, close: () => dbs.close({ timeoutMs: 5000 }) };
}

/** `SELECT $1::int AS n` as the template strings of a tagged template, cut once per SQL text. */
const templates = new Map<string, TemplateStringsArray>();
function templateOf(text: string): TemplateStringsArray {
  let strings = templates.get(text);
  if (strings === undefined) {
    const parts = text.split(/\$\d+/);
    strings = Object.assign([...parts], { raw: parts }) as unknown as TemplateStringsArray;
    templates.set(text, strings);
  }
  return strings;
}

const notInW1 = (): Promise<never> => Promise.reject(new Error('ORM contenders run in W1 only'));

/**
 * Drizzle's node-postgres driver, querying with `db.execute(sql\`…\`)` as its users write raw SQL:
 * over a plain pg.Pool, or over unipool's `db.pgPool()` — the ratio of the two is what unipool
 * underneath costs a Drizzle application.
 */
export function drizzleContender(source: OrmPoolSource, config: BaseConfig, settings: ConnectionSettings): ContenderSpec {
  return {
    id: `drizzle-${source}`,
    label: source === 'pg' ? 'Drizzle over pg.Pool' : 'Drizzle over db.pgPool()',
    async open({ max, tag }): Promise<PoolUnderTest> {
      const opened = await openPool(source, config, settings, max, tag);
      const orm = drizzle({ client: opened.pool });
      const query: QueryFn = (text, params = []) => orm.execute(drizzleSql(templateOf(text), ...params) as SQL);
      return { query, request: notInW1, transaction: notInW1, inUse: opened.inUse, close: opened.close };
    },
  };
}

/**
 * Kysely's own PostgresDialect, running the statement as a compiled query (every Kysely query ends
 * as one: `pool.connect()`, `client.query()`, `release()`), over a plain pg.Pool or `db.pgPool()`.
 */
export function kyselyContender(source: OrmPoolSource, config: BaseConfig, settings: ConnectionSettings): ContenderSpec {
  return {
    id: `kysely-${source}`,
    label: source === 'pg' ? 'Kysely over pg.Pool' : 'Kysely over db.pgPool()',
    async open({ max, tag }): Promise<PoolUnderTest> {
      const opened = await openPool(source, config, settings, max, tag);
      const kysely = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool: opened.pool }) });
      const query: QueryFn = (text, params = []) => kysely.executeQuery(CompiledQuery.raw(text, [...params]));
      return {
        query,
        request: notInW1,
        transaction: notInW1,
        inUse: opened.inUse,
        close: async () => {
          await kysely.destroy();
          if (source === 'unipool') await opened.close();
        },
      };
    },
  };
}
