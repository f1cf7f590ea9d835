import type { Engine } from '../../src/adapter.js';

/**
 * What a pool option does on one engine, beyond its engine-agnostic meaning (the schema's
 * description). Only differences go here; an option with no note behaves as the reference says.
 */
export const ENGINE_POOL_NOTES: Readonly<Record<Engine, Readonly<Record<string, string>>>> = {
  postgres: {
    max: 'Each connection is a server process. Keep `max` × instances below the server\'s `max_connections` (minus `superuser_reserved_connections`); `unipool doctor --instances N` checks it. Behind PgBouncer this is the number of client connections to PgBouncer.',
    idleTimeoutMs: 'Keep it below any idle timeout between you and the server (a load balancer, PgBouncer\'s `client_idle_timeout`), so unipool closes idle connections before something else cuts them.',
    maxLifetimeMs: 'Retiring connections lets a DNS change (a failover) take effect and returns the memory a long-lived backend accumulates.',
    validateAfterIdleMs: 'The ping is an empty query (`EmptyQueryResponse` + `ReadyForQuery`): one round trip, no parse, no plan.',
    connectTimeoutMs: 'Also passed to `pg` as `connectionTimeoutMillis`.',
  },
  mysql: {
    max: 'Keep `max` × instances below the server\'s `max_connections`; `unipool doctor --instances N` checks it.',
    idleTimeoutMs: 'Keep it below the server\'s `wait_timeout` (8 hours by default, often lowered on hosted servers), so unipool closes idle connections before the server does.',
    maxLifetimeMs: 'Keep it below `wait_timeout` as well; the default 30 minutes is.',
    validateAfterIdleMs: 'The ping is `COM_PING`: one round trip, no statement.',
    connectTimeoutMs: 'Also passed to `mysql2` as `connectTimeout`.',
  },
  sqlite: {
    max: 'A file database: readers run side by side (WAL); writers from this process queue for each other before writing, so more connections add read concurrency only. `:memory:` is exactly one connection: `max` defaults to 1 there and a larger `max` is a configuration error.',
    min: '`:memory:` keeps its one connection open for the life of the pool (closing it would drop the data).',
    idleTimeoutMs: 'Never applied to a `:memory:` connection.',
    maxLifetimeMs: 'Never applied to a `:memory:` connection.',
    maxUses: 'Never applied to a `:memory:` connection.',
    validateAfterIdleMs: 'The ping is `SELECT 1` in-process; it cannot find a dead network, only a closed handle.',
    connectTimeoutMs: 'Opening a file is local and synchronous; this only bounds a stuck file system.',
  },
  oracle: {
    max: 'Keep `max` × instances below the server\'s `PROCESSES`/`SESSIONS` limits; `unipool doctor --instances N` reads them when the user may read `v$parameter`.',
    validateAfterIdleMs: 'The ping is `connection.ping()`: one round trip.',
    connectTimeoutMs: 'Passed to `oracledb` as `connectTimeout` in whole seconds, rounded up (1500 ms → 2 s); unipool still bounds the attempt to the millisecond.',
  },
};
