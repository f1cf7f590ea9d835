import type { QueryParams, Row } from '../adapter.js';
import { describeValue } from '../config/describe-value.js';
import type { DatabaseCore } from '../database-core.js';
import { UnipoolError } from '../errors.js';
import { checkBatchSize } from '../stream-batch-size.js';
import { context } from './context.js';
import { findHeld } from './find-held.js';

/** Options of `db.stream()`. */
export interface StreamOptions {
  /** Rows fetched per round trip: an integer from 1 to 2 147 483 647 (default 100). */
  readonly batchSize?: number;
}

const DEFAULT_BATCH_SIZE = 100;

/**
 * `db.stream()`: on the connection the context holds (inside `atomic()`/`session()`), or on one
 * acquired for the loop and given back when it ends, breaks or throws — destroyed if the driver
 * could not stop the result early.
 * @internal
 */
export function streamRows(core: DatabaseCore, text: string, values: QueryParams | undefined, options: StreamOptions = {}): AsyncIterable<Row> {
  if (typeof options !== 'object' || options === null) {
    throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.stream(sql, params, options): options must be an object like { batchSize: 100 }, got ${describeValue(options)}`);
  }
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  checkBatchSize(batchSize, 'db.stream()');
  return {
    async *[Symbol.asyncIterator]() {
      const held = findHeld(core, context.getStore());
      if (held !== undefined) {
        const { holder } = held;
        holder.assertHeld();
        holder.assertNotStreaming();
        holder.openStreams++;
        try {
          yield* core.adapter.stream(holder.conn.raw, text, values, { batchSize });
        } catch (error) {
          throw core.failure(holder.conn, error);
        } finally {
          holder.openStreams--;
        }
        return;
      }
      const conn = await core.acquire();
      try {
        yield* core.adapter.stream(conn.raw, text, values, { batchSize });
      } catch (error) {
        throw core.failure(conn, error);
      } finally {
        await core.policy.release(conn, 'ended');
      }
    },
  };
}
