import type { Database } from '../../src/index.js';

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
