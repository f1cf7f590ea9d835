/** The PostgreSQL adapter (`pg`, `pg-cursor`). */
export { postgresAdapter, type PgConnection } from './postgres-adapter.js';
export { postgresCapabilities } from './postgres-capabilities.js';
