/**
 * What to do about each error code, for the error reference. The meaning of a code lives beside it
 * in `ErrorCodes` (src/errors.ts); the fix is docs-only text, so it lives here. A code without an
 * entry still gets its anchor and meaning, with a generic fix line, so a code added elsewhere never
 * breaks the page.
 */
export const ERROR_FIXES: Readonly<Record<string, string>> = {
  UNIPOOL_CONFIG_INVALID:
    'Read the listed problems: each names the path (`default.pool.max`), what was expected and what was received, often with "did you mean …?". Run `unipool check <file>` in CI to catch them before deploying. See [Configuration](./configuration.md).',
  UNIPOOL_UNKNOWN_DATABASE:
    'Use one of the aliases listed in the message (`dbs.get(\'reports\')`), or add the alias to the configuration.',
  UNIPOOL_DRIVER_MISSING:
    'Install the driver the message names in your application: `npm install pg` (and `pg-cursor` for `stream()`), `npm install mysql2`, `npm install better-sqlite3` or `npm install oracledb`. Drivers are peer dependencies, so your application chooses their versions.',
  UNIPOOL_ACQUIRE_TIMEOUT:
    'If the message quotes a last connect error, fix that (the server is down or rejecting connections; `error.cause` has the driver error). Otherwise every connection stayed busy: look at `db.stats().holdMs` for slow holders, turn on `pool.leakDetectionMs` to find code that never gives a connection back, then raise `pool.max` (within the server\'s limit) or `pool.acquireTimeoutMs`. See [Debug pool exhaustion](../how-to/debug-pool-exhaustion.md).',
  UNIPOOL_QUEUE_FULL:
    'The pool is overloaded and `pool.maxWaiting` sheds load on purpose: answer the caller with a 503 and retry later, raise `pool.max` if the server has room, or raise `pool.maxWaiting`. See [Size a pool](../how-to/size-a-pool.md).',
  UNIPOOL_POOL_CLOSED:
    'Something ran after `dbs.close()`. Stop accepting work (close the HTTP server) before closing the databases; to reconnect, call `createDatabases()` again. See [Graceful shutdown](../how-to/graceful-shutdown.md).',
  UNIPOOL_CONNECT_FAILED:
    'The message says what the server or network answered (wrong password, unknown database, refused, TLS) and how to fix it; `error.cause` is the driver error. Check the `url` or `host`/`port`/`user`/`password`/`database`, and that the server is reachable from this machine. For TLS failures see [Connect over TLS](../how-to/tls.md); when a `password` function failed, `error.cause` is its error (see [Rotate passwords](../how-to/rotating-credentials.md)).',
  UNIPOOL_CONNECT_TIMEOUT:
    'The server did not answer within `pool.connectTimeoutMs`: check the host and port (firewall, VPN, security group), or raise `pool.connectTimeoutMs` for a slow network.',
  UNIPOOL_QUERY_FAILED:
    'Not thrown today. Database errors reach you as the driver threw them; match on their own `code`.',
  UNIPOOL_TX_OUTSIDE_SCOPE:
    'Run the transaction in `db.atomic(async () => { … })`, or run the code inside `dbs.scope()` / `dbs.middleware()` so a manual `BEGIN` keeps its connection until `COMMIT`.',
  UNIPOOL_SESSION_STATE_OUTSIDE_SESSION:
    'Put the statement (`SET …`, `LISTEN`, `PREPARE`, a temporary table, an advisory lock) inside `db.session(async () => { … })`, or set the value for every connection in the database\'s `options`. See [Session state](../explanation/session-state.md).',
  UNIPOOL_TX_ENDED:
    'A query was started inside `atomic()` or `session()` but not awaited before the block returned. `await` every query inside the block (including ones in `Promise.all`).',
  UNIPOOL_TX_MANUAL_ACTIVE:
    '`COMMIT` or `ROLLBACK` the manual transaction first, or run the whole transaction in `atomic()`.',
  UNIPOOL_TX_NESTED_DURABLE:
    'Call `atomic({ durable: true })` outside any transaction (its point is that its `COMMIT` is final), or drop `durable`.',
  UNIPOOL_TX_OPTIONS_NESTED:
    'Set `isolation` and `readOnly` on the outermost `atomic()` block; nested blocks are savepoints and cannot change them.',
  UNIPOOL_TX_ABORTED:
    'A statement inside the block failed and the error was caught, so the transaction could not commit. Let the error propagate out of `atomic()`, or wrap the statement that may fail in a nested `atomic()` (a savepoint) to continue after it.',
  UNIPOOL_UNSUPPORTED:
    'The engine cannot do this (for example a read-only transaction on SQLite, or an isolation level Oracle does not have). The [capability matrix](./capabilities.md) lists what each engine supports.',
  UNIPOOL_INVALID_ARGUMENT:
    'The message names the function, the argument and what it received; pass what it expects. See the [API reference](./api.md).',
  UNIPOOL_CONNECTION_BUSY:
    'Finish (or `break` out of) the `for await … of db.stream()` loop before running another statement in the same transaction or session, or collect the rows you need and query after the loop.',
  UNIPOOL_LEASE_RELEASED:
    'Release each connection exactly once; a second `release()` usually means two code paths both clean up (for example `finally` and an error handler).',
  UNIPOOL_CONNECTION_BROKEN:
    'The server closed the connection or the network dropped it mid-statement; unipool destroyed it. Retry the statement if it is safe to repeat (outside a transaction, or the whole transaction); check the server logs if it happens often.',
  UNIPOOL_STATEMENT_TIMEOUT:
    'Make the statement faster (an index, a smaller batch, a LIMIT), or raise the database\'s `statementTimeoutMs` (0 = no limit) if the work really needs longer. Inside `atomic()` the whole transaction rolled back: retry all of it. A message that says the connection was destroyed means the server never answered: check the network and the server.',
  UNIPOOL_VALUE_OUT_OF_RANGE:
    'A 64-bit integer does not fit a JavaScript number without rounding. Set the database\'s `int64` option to `\'bigint\'` or `\'string\'`, or cast the column in SQL.',
  UNIPOOL_PIPELINE_IN_TRANSACTION:
    'Nothing you sent caused it: the statement shared its connection (`pipeline`, PostgreSQL or MySQL/MariaDB) and found a transaction open there (on MySQL also: autocommit off), so it may have run but was rolled back with the connection. Retry it if it is idempotent, and report the case: it means a statement unipool had seen leave no transaction open left one. Set `pipeline: false` to run every statement alone.',
};

/** The fix line for a code that has no entry yet. */
export const GENERIC_FIX = 'The message says what happened and what to change.';
