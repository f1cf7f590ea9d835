import knexFactory, { type Knex } from 'knex';
import type { ConnectionSettings } from '../src/adapter.js';
import type { ContenderSpec, PoolUnderTest } from '../src/cli/bench/pool-under-test.js';

/** knex.raw() binds with `?`; the workloads write PostgreSQL's `$1`, so translate (positions match in our SQL). */
function knexSql(sql: string): string {
  return sql.replace(/\$\d+/g, '?');
}

interface TarnPool {
  numUsed(): number;
}

/** knex over its tarn.js pool, with `knex.raw()` and `knex.transaction()` as its users write them. */
export function knexContender(client: 'pg' | 'mysql2', settings: ConnectionSettings): ContenderSpec {
  return {
    id: 'knex',
    label: 'knex',
    async open({ max, tag }): Promise<PoolUnderTest> {
      const { host, port, database, user, password } = settings;
      const connection = client === 'pg' ? { host, port, database, user, password, application_name: tag } : { host, port, database, user, password };
      const knex: Knex = knexFactory({ client, connection, pool: { min: 0, max }, acquireConnectionTimeout: 60_000 });
      const query = (sql: string, params: readonly unknown[] = []): Promise<unknown> => knex.raw(knexSql(sql), params as Knex.RawBinding[]);
      return {
        query,
        request: (body) => body(query),
        transaction: (statements) =>
          knex.transaction(async (trx) => {
            for (const { sql, params } of statements) await trx.raw(knexSql(sql), params as Knex.RawBinding[]);
          }),
        inUse: () => (knex.client as { pool?: TarnPool }).pool?.numUsed() ?? 0,
        close: () => knex.destroy(),
      };
    },
  };
}
