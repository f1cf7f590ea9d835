/**
 * A connection's prepared statements by SQL text, least recently used first out. Shared by the
 * adapters' statement caches (`statementCacheSize`); what a statement is, and what evicting one
 * costs (nothing on SQLite, a DEALLOCATE on PostgreSQL), is the adapter's.
 *
 * A hit moves the entry to the newest end of the map (a delete and a set), except when it already
 * is the newest: a loop repeating one statement — the common case — pays a single lookup.
 *
 * @example
 * const cache = new StatementLru<Statement>(100);
 * const statement = cache.get(sql) ?? prepareAndAdd(sql);
 */
export class StatementLru<S> {
  /** Most entries kept; 0 keeps none (every `add` returns what it was given). */
  readonly capacity: number;
  readonly #entries = new Map<string, S>();
  /** The key most recently used, so a repeat hit skips the reordering. */
  #newest: string | undefined = undefined;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The statement cached for `sql`, now the most recently used; undefined on a miss. */
  get(sql: string): S | undefined {
    const entries = this.#entries;
    const statement = entries.get(sql);
    if (statement !== undefined && sql !== this.#newest) {
      entries.delete(sql);
      entries.set(sql, statement);
      this.#newest = sql;
    }
    return statement;
  }

  /**
   * Caches `statement` for `sql` (not already cached) and returns the one that had to make room, if
   * any — the least recently used, or `statement` itself when the capacity is 0 — for the caller to
   * free.
   */
  add(sql: string, statement: S): S | undefined {
    if (this.capacity <= 0) return statement;
    const entries = this.#entries;
    let evicted: S | undefined;
    if (entries.size >= this.capacity) {
      const oldest = entries.keys().next();
      if (oldest.done !== true) {
        evicted = entries.get(oldest.value);
        entries.delete(oldest.value);
      }
    }
    entries.set(sql, statement);
    this.#newest = sql;
    return evicted;
  }

  /** Forgets one entry (a statement the server no longer has); true when it was cached. */
  delete(sql: string): boolean {
    if (this.#newest === sql) this.#newest = undefined;
    return this.#entries.delete(sql);
  }

  /** Empties the cache and returns what it held, oldest first, for the caller to free. */
  clear(): S[] {
    const all = [...this.#entries.values()];
    this.#entries.clear();
    this.#newest = undefined;
    return all;
  }
}
