import type { Database } from '../../../src/index.js';

/**
 * Runs `work` in `n` sessions at once, each holding its connection until all `n` have one, so the
 * pool has at least `n` connections open — and idle — when this resolves. `n` queries alone do not
 * ensure that: a released connection is handed to the next caller while the other creates may
 * still be connecting. Resolves with what each `work` returned.
 */
export async function holdConnectionsAtOnce<T>(db: Database, n: number, work: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let arrived = 0;
  let all!: () => void;
  const together = new Promise<void>((resolve) => (all = resolve));
  await Promise.all(
    Array.from({ length: n }, () =>
      db.session(async () => {
        results.push(await work());
        if (++arrived === n) all();
        await together;
      }),
    ),
  );
  return results;
}
