import { createDatabases, type Database, type DatabaseConfig, type DatabaseRegistry, type Databases } from '../../src/index.js';
import type { EngineUnderTest } from './engines.js';

/** Every registry a test opened, closed after each test so no pool outlives its test. */
const open: DatabaseRegistry[] = [];

/** A registry with one database (`default`) for `engine`; closed automatically after the test. */
export function openDatabase(engine: EngineUnderTest, extra: Record<string, unknown> = {}): { dbs: Databases<'default'>; db: Database } {
  const dbs = createDatabases({ default: engine.config(extra) as unknown as DatabaseConfig });
  open.push(dbs);
  return { dbs, db: dbs.default };
}

/** Closes every registry opened by `openDatabase` (wired as a root hook in each suite). */
export async function closeAll(): Promise<void> {
  const closing = open.splice(0).map((dbs) => dbs.close({ timeoutMs: 2000 }));
  await Promise.all(closing);
}

/** `describe` body helper: registers the after-each close. */
export function closeDatabasesAfterEach(): void {
  afterEach(closeAll);
}
