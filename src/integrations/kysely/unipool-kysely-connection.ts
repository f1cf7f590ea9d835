import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import type { LibraryLease } from '../library-lease.js';

/**
 * One Kysely connection: a unipool lease (its own pooled connection, or the one `db.atomic()` /
 * `db.session()` holds). Statements go through unipool's adapter, so results, value conversion and
 * error codes are unipool's.
 */
export class UnipoolKyselyConnection implements DatabaseConnection {
  /** @internal — the driver releases it. */
  readonly lease: LibraryLease;

  /** @internal — made by `UnipoolDriver.acquireConnection()`. */
  constructor(lease: LibraryLease) {
    this.lease = lease;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.lease.query(compiledQuery.sql, compiledQuery.parameters);
    const rows = result.rows as R[];
    // Kysely reads numAffectedRows for INSERT/UPDATE/DELETE/MERGE; a SELECT's row count is not one.
    if (compiledQuery.query.kind === 'SelectQueryNode') return { rows };
    const insertId = result.insertId;
    return {
      rows,
      numAffectedRows: BigInt(result.rowCount),
      ...(insertId === undefined || insertId === 0 || insertId === 0n ? {} : { insertId: BigInt(insertId) }),
    };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    const batchSize = chunkSize ?? 100;
    let chunk: R[] = [];
    for await (const row of this.lease.stream(compiledQuery.sql, compiledQuery.parameters, batchSize)) {
      chunk.push(row as R);
      if (chunk.length >= batchSize) {
        yield { rows: chunk };
        chunk = [];
      }
    }
    if (chunk.length > 0) yield { rows: chunk };
  }
}
