export { sqliteAdapter, type SqliteConnection } from './sqlite-adapter.js';
export { sqliteCapabilities } from './sqlite-capabilities.js';
