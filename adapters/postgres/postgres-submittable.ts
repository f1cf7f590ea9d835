import type { PgClient, PgSubmittableHooks } from './postgres-driver-types.js';
import { isOpen, takeTurn } from './postgres-connection-state.js';
import { recordStatementTags, sessionStateOfAll } from './postgres-session-state.js';

/** A pg submittable (`pg-cursor`, the cursor inside `pg-query-stream`): pg calls these as the server answers. */
export interface PgSubmittable extends PgSubmittableHooks {
  submit(connection: unknown): unknown;
  handleReadyForQuery(connection: unknown): void;
}

/**
 * Runs `submittable` on `client` in the connection's turn, which it keeps until the submittable is
 * finished — its ReadyForQuery (read to the end, closed, or failed), or the connection's end —
 * however long the library keeps it open: statements sent meanwhile wait behind it, as in pg.
 * `finished(changedSession)` says whether it changed session state (a cursor over `SET …` is
 * possible), so the connection's owner can reset it before reuse.
 */
export function submitInTurn(client: PgClient, submittable: PgSubmittable, finished: (changedSession: boolean) => void): void {
  const tags = recordStatementTags(submittable);
  void takeTurn(client, (done) => {
    let over = false;
    const finish = (): void => {
      if (over) return;
      over = true;
      client.connection.removeListener('end', finish);
      done();
      finished(sessionStateOfAll(tags) !== undefined);
    };
    const onReadyForQuery = submittable.handleReadyForQuery;
    submittable.handleReadyForQuery = function (this: PgSubmittable, connection: unknown): void {
      onReadyForQuery.call(this, connection);
      finish();
    };
    const open = isOpen(client);
    if (open) client.connection.once('end', finish);
    // pg reports a closed client to the submittable itself (its handleError).
    client.query(submittable);
    if (!open) finish();
    return Promise.resolve();
  });
}
