import { createHash } from 'node:crypto';
import { StatementLru } from '../../src/statement-lru.js';
import type { PgStatementDescription } from './postgres-described-query.js';
import type { PgClient } from './postgres-driver-types.js';

/** `statementCacheSize` when the config sets none (measured: see docs/explanation/statement-cache.md). */
export const POSTGRES_STATEMENT_CACHE_SIZE = 100;

/**
 * After this many statements found missing on one connection outside a transaction (SQLSTATE 26000
 * or 42P05), its cache is switched off: the server behind it is not keeping what was prepared —
 * a transaction-mode pooler older than PgBouncer 1.21 hands each transaction another server
 * connection. One such error can have a local cause (a DEALLOCATE by hand), two cannot.
 */
const MISSES_BEFORE_OFF = 2;

/** SQLSTATEs after which a cached statement is re-prepared rather than reported (outside a transaction). */
const STALE_SQLSTATES: ReadonlySet<string> = new Set([
  '0A000', // feature_not_supported: "cached plan must not change result type" (DDL changed a column)
  '26000', // invalid_sql_statement_name: the server has no statement of that name
  '42P05', // duplicate_prepared_statement: the server already has one of that name
]);

/**
 * Named prepared statements of one connection (`statementCacheSize`), least recently used out.
 * Names are derived from the SQL text, so one name never stands for two statements — even behind
 * a pooler that shares server connections between clients, a name found there means the same SQL.
 */
export class PgStatementCache {
  readonly #lru: StatementLru<string>;
  /** Names to DEALLOCATE before the next statement outside a transaction (evicted, or stale). */
  readonly #toDrop: string[] = [];
  #missing = 0;
  #off = false;
  /** The default size, not yet checked for a pooler in between (see `probeSql`). */
  #unprobed: boolean;
  /**
   * Pipelining is on: names of the cached statements whose runs alone on this connection all
   * began and ended outside a transaction and changed no session state — the only ones that may
   * share it with statements in flight. Undefined when pipelining is off (nothing to learn).
   */
  readonly #pipelinable: Set<string> | undefined;
  /**
   * The result description of each cached statement that has run here (name → description): its
   * later runs send no Describe and reuse it (see `PgStatementDescription`).
   */
  readonly #descriptions = new Map<string, PgStatementDescription>();
  /** Cached statements that once changed transaction or session state: never pipelined while cached. */
  readonly #exclusive: Set<string> | undefined;

  /** `probe`: the size is the default rather than configured, so check for a pooler first. `pipeline`: learn which statements may be pipelined. */
  constructor(capacity: number, probe: boolean, pipeline = false) {
    this.#lru = new StatementLru(capacity);
    this.#unprobed = probe;
    this.#pipelinable = pipeline ? new Set() : undefined;
    this.#exclusive = pipeline ? new Set() : undefined;
  }

  /** True when the cache learns which statements may be pipelined (the `pipeline` option is on). */
  get learnsPipelining(): boolean {
    return this.#pipelinable !== undefined;
  }

  /**
   * Records how the named statement's run alone went: `clean` when it began and ended outside a
   * transaction and changed no session state. One unclean run rules it out for as long as it stays cached.
   */
  learned(name: string, clean: boolean): void {
    const pipelinable = this.#pipelinable;
    if (pipelinable === undefined || this.#exclusive === undefined) return;
    if (!clean) {
      pipelinable.delete(name);
      this.#exclusive.add(name);
    } else if (!this.#exclusive.has(name)) pipelinable.add(name);
  }

  /** Keeps the result description a run of `sql` under `name` received, for its later runs (while it stays cached under that name). */
  described(sql: string, name: string, description: PgStatementDescription): void {
    if (this.#lru.get(sql) === name) this.#descriptions.set(name, description);
  }

  /** The result description of the named statement, once a run here received one. */
  descriptionOf(name: string): PgStatementDescription | undefined {
    return this.#descriptions.get(name);
  }

  /** The name `sql` is cached under here, or undefined (nothing is added: see `nameFor`). */
  cachedName(sql: string): string | undefined {
    return this.#off || this.#unprobed ? undefined : this.#lru.get(sql);
  }

  /** The name of `sql` when it is cached here and known pipelinable (no Parse needed, no state changed); otherwise undefined. */
  pipelinedName(sql: string): string | undefined {
    if (this.#off || this.#pipelinable === undefined) return undefined;
    const name = this.#lru.get(sql);
    return name !== undefined && this.#pipelinable.has(name) ? name : undefined;
  }

  /**
   * The statement to run once before the first named one, or undefined when none is due. It asks
   * the server process that answers; `probed()` compares it with the process id in the cancel key
   * the client received at connect. A pooler (PgBouncer, pgcat, Supavisor, RDS Proxy) hands out a
   * key of its own. In transaction mode a pooler older than PgBouncer 1.21 runs each transaction on
   * any server connection, where a statement prepared on another is missing — or present from
   * another client, so the Parse fails with 42P05 and aborts the caller's transaction — so the
   * cache is off by default behind one. Asked lazily, in the turn of the connection's first
   * statement with parameters, so connecting costs no extra round trip.
   */
  probeSql(): string | undefined {
    return this.#unprobed ? 'SELECT pg_backend_pid() AS pid' : undefined;
  }

  /** The answer to `probeSql()`: `serverPid` is the pid it returned (undefined when it failed: asked again next time). */
  probed(client: PgClient, serverPid: unknown): void {
    if (serverPid === undefined) return;
    this.#unprobed = false;
    if (serverPid !== client.processID) this.#off = true;
  }

  /** Statements cached now (for tests and diagnostics). */
  get size(): number {
    return this.#lru.size;
  }

  /** Switched off after statements kept disappearing (see MISSES_BEFORE_OFF). */
  get off(): boolean {
    return this.#off;
  }

  /** Names waiting to be deallocated. */
  get pendingDrops(): readonly string[] {
    return this.#toDrop;
  }

  /**
   * The statement name to run `sql` under, or undefined to run it unnamed: when the cache is off,
   * or full inside a transaction (a DEALLOCATE there could fail and abort the caller's transaction,
   * so nothing is evicted until the connection is idle again).
   */
  nameFor(client: PgClient, sql: string): string | undefined {
    if (this.#off || this.#unprobed) return undefined;
    const known = this.#lru.get(sql);
    if (known !== undefined) return known;
    if (this.#lru.size >= this.#lru.capacity && client.getTransactionStatus() !== 'I') return undefined;
    const name = statementName(sql);
    // Dropped but not yet deallocated under the same name: prepared again only after the DEALLOCATE.
    if (this.#toDrop.includes(name)) return undefined;
    const evicted = this.#lru.add(sql, name);
    if (evicted !== undefined) this.#drop(client, evicted);
    return name;
  }

  /** The `DEALLOCATE` statements due now (outside a transaction only), as one simple query; undefined when none. */
  takeDrops(client: PgClient): string | undefined {
    if (this.#toDrop.length === 0 || client.getTransactionStatus() !== 'I') return undefined;
    const sql = this.#toDrop.map((name) => `DEALLOCATE ${name}`).join('; ');
    this.#toDrop.length = 0;
    return sql;
  }

  /**
   * True when `error`, raised by the statement run as `name`, means the cached statement no longer
   * fits (its result type changed, or the server lost it): the entry is dropped, and outside a
   * transaction the caller runs the statement again, unnamed.
   */
  isStale(client: PgClient, sql: string, name: string, error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code !== 'string' || !STALE_SQLSTATES.has(code)) return false;
    this.#lru.delete(sql);
    this.#unlearn(name);
    if (code === '0A000') this.#drop(client, name);
    else {
      // The server has no such statement (or one pg did not parse): nothing to deallocate.
      forgetName(client, name);
      if (client.getTransactionStatus() === 'I' && ++this.#missing >= MISSES_BEFORE_OFF) this.#off = true;
    }
    return true;
  }

  /** Forgets every entry: the server dropped them all (DISCARD ALL, DEALLOCATE ALL). */
  clear(): void {
    this.#lru.clear();
    this.#toDrop.length = 0;
    this.#pipelinable?.clear();
    this.#exclusive?.clear();
    this.#descriptions.clear();
  }

  /** A statement no longer cached: what was learned about it goes with it. */
  #unlearn(name: string): void {
    this.#pipelinable?.delete(name);
    this.#exclusive?.delete(name);
    this.#descriptions.delete(name);
  }

  #drop(client: PgClient, name: string): void {
    this.#unlearn(name);
    // Only a statement pg saw parsed exists on the server; deallocating any other would fail.
    if (client.connection.parsedStatements?.[name] !== undefined) this.#toDrop.push(name);
    forgetName(client, name);
  }
}

/** pg skips the Parse of a name it believes the server has; a dropped name must be forgotten. */
function forgetName(client: PgClient, name: string): void {
  const wire = client.connection;
  if (wire.parsedStatements !== undefined) delete wire.parsedStatements[name];
  if (wire.submittedNamedStatements !== undefined) delete wire.submittedNamedStatements[name];
}

/** `unipool_` and the text's SHA-1 in hex: lower case (safe unquoted in DEALLOCATE), 48 of PostgreSQL's 63 identifier bytes. */
function statementName(sql: string): string {
  return `unipool_${createHash('sha1').update(sql).digest('hex')}`;
}

/** The hint added to a stale-statement error that reaches the caller (inside a transaction nothing can be re-run). */
export const STALE_IN_TRANSACTION_HINT =
  'unipool: this statement ran from the statement cache (statementCacheSize), and the table it reads changed shape (or the server lost the prepared statement) inside a transaction, which is now aborted; the cache entry was dropped, so retrying the transaction works. Run DDL outside busy transactions, or set statementCacheSize: 0.';
