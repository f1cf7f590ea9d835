import type { QueryParams } from '../../src/adapter.js';
import { UnipoolError } from '../../src/errors.js';
import { connectionState, isOpen, type PgConnectionState } from './postgres-connection-state.js';
import type { PgClient } from './postgres-driver-types.js';

/**
 * Pipelining on one `pg.Client` (the database option `pipeline`). pg 8.23 has a pipeline mode of
 * its own (`client.pipeline`): every query is written at once, each with its own Sync, and answered
 * in order; an error fails only its own query. We switch it on only while pipelined statements are
 * in flight, so everything else on the connection — transaction control, `stream()` (pg-cursor,
 * which pg refuses in pipeline mode), `db.pgPool()` clients — runs exactly as without pipelining.
 * Which statements may be pipelined is the statement cache's knowledge (`PgStatementCache.learned`).
 */

/** pg's own flag, read on every query it queues (`_pulseQueryQueue`): a plain property of the client. */
type PipelinedClient = PgClient & { pipeline?: boolean };

/**
 * The name `sql` runs under when it may be sent on `client` now, behind the pipelined statements in
 * flight there; undefined when it must run alone: no parameters (never cached), not cached here or
 * not known clean, a turn taken by a statement running alone, the connection not idle or not healthy.
 */
export function pipelinedName(client: PgClient, sql: string, params: QueryParams | undefined): string | undefined {
  if (params === undefined || !Array.isArray(params) || params.length === 0) return undefined;
  const state = connectionState(client);
  const cache = state.statements;
  if (cache === undefined || state.pending !== state.pipelined || state.unreportedSessionState !== undefined || state.deferredBegin !== undefined) return undefined;
  // pg's query_timeout counts from client.query(), so a statement queued behind slow ones would run
  // out of time for their sake, and in pipeline mode pg ends it by destroying the socket — failing
  // every statement in flight there. With a read timeout set, every statement runs alone.
  if (client.connectionParameters?.query_timeout) return undefined;
  if (client.getTransactionStatus() !== 'I' || !isOpen(client, state)) return undefined;
  // Evicted statements wait for their DEALLOCATE, which only a statement running alone sends: one
  // is due, so this one runs alone, and pg_prepared_statements stays bounded under constant load.
  if (cache.pendingDrops.length > 0) return undefined;
  return cache.pipelinedName(sql);
}

/** pg's socket (`client.connection.stream`): a Node stream, whose `cork()` calls nest. */
interface CorkableStream {
  cork?(): void;
  uncork?(): void;
}

/** Clients whose socket is corked until the current tick ends (see `startPipelined`). */
const corked = new WeakSet<PgClient>();

/**
 * Counts one more pipelined statement in flight on `client`, switching pg's pipeline mode on for the
 * first. The socket stays corked until this turn of the event loop has run its I/O callbacks
 * (`setImmediate`, as postgres.js does): every statement callers send meanwhile — typically the
 * continuations of the results the socket reads delivered — leaves in one write, not one write
 * each. Most of what pipelining saves is system calls: measured, the client CPU per statement was
 * lower than with a flush at the end of each tick (`process.nextTick`), at the cost of a write
 * delayed to the end of the current loop turn.
 */
export function startPipelined(client: PgClient): PgConnectionState {
  const state = connectionState(client);
  state.pending++;
  if (state.pipelined++ === 0) (client as PipelinedClient).pipeline = true;
  if (!corked.has(client)) {
    const stream = (client.connection as { stream?: CorkableStream }).stream;
    if (stream?.cork !== undefined && stream.uncork !== undefined) {
      corked.add(client);
      stream.cork();
      setImmediate(() => {
        corked.delete(client);
        stream.uncork?.();
      });
    }
  }
  return state;
}

/**
 * One pipelined statement has settled. The last one switches pg's pipeline mode off again: by then
 * its ReadyForQuery has been handled, so pg has nothing sent and nothing queued.
 */
export function endPipelined(client: PgClient, state: PgConnectionState): void {
  state.pending--;
  if (--state.pipelined === 0) {
    (client as PipelinedClient).pipeline = false;
    // A turn asked for while statements were pipelined (the core asks none) starts now; it counted itself in `pending`.
    state.waiting.shift()?.();
  }
}

/**
 * Called with a pipelined statement's result or error, once its own ReadyForQuery has arrived: the
 * status there must be idle, as it was when the statement was learned. Anything else means the
 * statement ran inside a transaction it did not open (some statement ahead of it left one open):
 * its work will be rolled back with the connection, so it must not be reported as done. The
 * connection is marked broken, so the statements behind it fail the same way and it is destroyed,
 * never reused, when the last one settles.
 */
export function checkPipelinedStatus(client: PgClient): UnipoolError | undefined {
  const status = client.getTransactionStatus();
  if (status === 'I') return undefined;
  connectionState(client).broken = true;
  return new UnipoolError(
    'UNIPOOL_PIPELINE_IN_TRANSACTION',
    `postgres: a pipelined statement ran inside a transaction it did not open (ReadyForQuery status ${JSON.stringify(status)}, expected "I"): its work is not committed, and the connection was destroyed, which rolls it back. Retry it if it is idempotent, or set pipeline: false.`,
  );
}
