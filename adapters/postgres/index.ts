/** The PostgreSQL adapter (`pg`, `pg-cursor`). */
export { postgresAdapter, runQueryConfig, SessionChangingResult, type PgConnection, type PgNativeResult } from './postgres-adapter.js';
export { postgresCapabilities } from './postgres-capabilities.js';
export { requirePg, type PgModuleWithPool } from './require-pg.js';
export { pgSslOption } from './postgres-tls.js';
export { submitInTurn, type PgSubmittable } from './postgres-submittable.js';
