import { describeValue } from './config/describe-value.js';
import { UnipoolError } from './errors.js';

/**
 * The largest `batchSize` `db.stream()` accepts. The row count travels as a 32-bit integer:
 * PostgreSQL's Execute message takes an int32 row limit (pg's writer throws past 2³²−1, and past
 * 2³¹−1 the server reads a negative number), and oracledb's `fetchArraySize` is a 32-bit count.
 */
export const MAX_STREAM_BATCH_SIZE = 2_147_483_647;

/** Throws `UNIPOOL_INVALID_ARGUMENT` unless `batchSize` is an integer in 1 … MAX_STREAM_BATCH_SIZE. */
export function checkBatchSize(batchSize: unknown, where: string): asserts batchSize is number {
  if (Number.isInteger(batchSize) && (batchSize as number) >= 1 && (batchSize as number) <= MAX_STREAM_BATCH_SIZE) return;
  throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `${where}: batchSize must be an integer from 1 to ${MAX_STREAM_BATCH_SIZE}, got ${describeValue(batchSize)}`);
}
