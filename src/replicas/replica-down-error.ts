import { UnipoolError } from '../errors.js';

/**
 * Errors that say the replica itself is unreachable or its connection died — not that the
 * statement was wrong or the pool merely busy. Only these mark a replica down and let a read be
 * retried elsewhere: a syntax error or a permission error would fail the same way on every server.
 * An acquire timeout counts only when a connect error caused it (its `cause`): a replica that is
 * just busy is not down.
 */
export function isReplicaDownError(error: unknown): boolean {
  if (!(error instanceof UnipoolError)) return false;
  switch (error.code) {
    case 'UNIPOOL_CONNECT_FAILED':
    case 'UNIPOOL_CONNECT_TIMEOUT':
    case 'UNIPOOL_CONNECTION_BROKEN':
      return true;
    case 'UNIPOOL_ACQUIRE_TIMEOUT':
      return error.cause !== undefined;
    default:
      return false;
  }
}
