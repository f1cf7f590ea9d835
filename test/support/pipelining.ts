import type { Database } from '../../src/index.js';
import { uniqueTable } from './engines.js';

/**
 * Runs `sql` often enough that the pool's connections learn it (a statement is pipelined only on a
 * connection where it already ran alone and left the transaction and session state unchanged): a
 * few rounds of twice `max` callers, so every connection the pool opens runs it alone at least once.
 */
export async function teach(db: Database, max: number, sql: string, params: (i: number) => unknown[]): Promise<void> {
  for (let round = 0; round < 4; round++) await Promise.all(Array.from({ length: max * 2 }, (_, i) => db.query(sql, params(i))));
}

/** Settles every promise; the outcomes in order. */
export function settleAll<T>(promises: readonly Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(promises);
}

/**
 * A table `(id int PRIMARY KEY, a int)` holding ids 1–100 with `a = id × 10`, fresh for each test of
 * the calling `describe` and handed to `use`. `create` gives the engine's statements that make it;
 * `run` runs statements outside unipool; after each test `closeAll` closes the databases the test
 * opened, then the table is dropped.
 */
export function useNumberedTable(prefix: string, use: (table: string) => void, engine: { create(table: string): readonly string[]; run(statements: readonly string[]): Promise<unknown>; closeAll(): Promise<void> }): void {
  let table = '';
  beforeEach(async () => {
    table = uniqueTable(prefix);
    use(table);
    await engine.run(engine.create(table));
  });
  afterEach(async () => {
    await engine.closeAll();
    await engine.run([`DROP TABLE IF EXISTS ${table}`]);
  });
}
