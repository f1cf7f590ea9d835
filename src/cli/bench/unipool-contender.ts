import { createDatabases } from '../../create-databases.js';
import type { DatabaseConfig } from '../../config/databases-config.js';
import type { ReleaseMode } from '../../config/resolved-config.js';
import type { ContenderSpec, PoolUnderTest, QueryFn, Statement } from './pool-under-test.js';

/** A unipool database config without its `pool` and `release` (those are the benchmark's). */
export type BaseConfig = Readonly<Record<string, unknown>>;

/** Driver options that make the server list this pool's connections under `tag`. */
export function tagOptions(config: BaseConfig, tag: string): Readonly<Record<string, unknown>> | undefined {
  const options = config['options'] as Readonly<Record<string, unknown>> | undefined;
  return config['engine'] === 'postgres' ? { ...options, application_name: tag } : options;
}

/**
 * unipool with `release: 'asap'` or `'request'`. Requests run in `dbs.scope()` (as the middleware
 * does); in `request` mode a lone W1 query runs in a scope of its own too, since outside one the
 * two modes are the same thing.
 */
export function unipoolContender(config: BaseConfig, release: ReleaseMode): ContenderSpec {
  return {
    id: `unipool-${release}`,
    label: `unipool (${release})`,
    async open({ max, tag }): Promise<PoolUnderTest> {
      const options = tagOptions(config, tag);
      const bench = { ...config, ...(options === undefined ? {} : { options }), release, pool: { min: 0, max, acquireTimeoutMs: 60_000 } };
      const dbs = createDatabases({ default: bench as unknown as DatabaseConfig });
      const db = dbs.default;
      const query: QueryFn = (sql, params) => db.query(sql, params as unknown[] | undefined);
      const request = (body: (q: QueryFn) => Promise<void>): Promise<void> => dbs.scope(() => body(query));
      return {
        query: release === 'asap' ? query : (sql, params) => dbs.scope(() => query(sql, params)),
        request,
        transaction: (statements: readonly Statement[]) =>
          db.atomic(async () => {
            for (const { sql, params } of statements) await db.query(sql, params as unknown[]);
          }),
        inUse: () => db.stats().inUse,
        close: () => dbs.close({ timeoutMs: 5000 }),
      };
    },
  };
}
