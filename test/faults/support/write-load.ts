import type { Database } from '../../../src/index.js';
import { errorKind } from './outcomes.js';
import { pause } from './pool-invariants.js';

/** One write that failed: when it started and ended (ms, `performance.now()`), and what it threw. */
export interface FailedWrite {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly kind: string;
  readonly error: unknown;
}

/** What a write load saw; read it after `stop()`. */
export interface WriteLoadResult {
  /** Ids whose INSERT resolved: the server acknowledged them, so they must still be there. */
  readonly acknowledged: Set<number>;
  /** End times of acknowledged writes, in order. */
  readonly successAt: number[];
  readonly failed: FailedWrite[];
  /** Calls that did not settle within the bound. */
  hung: number;
  /** The longest call, in ms. */
  maxCallMs: number;
}

/** A running write load: `stop()` ends it and resolves once every worker has finished its call. */
export interface WriteLoad {
  readonly result: WriteLoadResult;
  stop(): Promise<void>;
}

/**
 * `workers` concurrent callers, each inserting numbered rows (`insert(id)` gives the SQL and values)
 * one after another through `db` until stopped. A call that has not settled after `hangMs` counts as
 * hung (and is still awaited, so nothing is left running). After a failure a worker pauses 10 ms, as
 * a real client would, instead of spinning.
 */
export function startWriteLoad(db: Database, workers: number, insert: (id: number) => [string, unknown[]], hangMs: number): WriteLoad {
  const result: WriteLoadResult = { acknowledged: new Set(), successAt: [], failed: [], hung: 0, maxCallMs: 0 };
  let stopped = false;
  let nextId = 0;
  const worker = async (): Promise<void> => {
    while (!stopped) {
      const id = ++nextId;
      const startedAt = performance.now();
      const hungTimer = setTimeout(() => result.hung++, hangMs);
      try {
        const [sql, values] = insert(id);
        await db.query(sql, values);
        result.acknowledged.add(id);
        result.successAt.push(performance.now());
      } catch (error) {
        result.failed.push({ startedAt, endedAt: performance.now(), kind: errorKind(error), error });
        await pause(10);
      } finally {
        clearTimeout(hungTimer);
        result.maxCallMs = Math.max(result.maxCallMs, performance.now() - startedAt);
      }
    }
  };
  const running = Array.from({ length: workers }, () => worker());
  return {
    result,
    async stop() {
      stopped = true;
      await Promise.all(running);
    },
  };
}
