/**
 * A connection's prepared statements by SQL text, the least recently used evicted first (as the
 * CLOCK approximation of LRU does it). Shared by the adapters' statement caches
 * (`statementCacheSize`); what a statement is, and what evicting one costs (nothing on SQLite, a
 * DEALLOCATE on PostgreSQL), is the adapter's.
 *
 * A hit only marks its entry used: moving it to the newest end of a Map (a delete and a set) on
 * every hit costs more than the rest of a SQLite query when a transaction alternates between two
 * statements. Eviction gives each used entry a second chance (moved to the newest end, mark
 * cleared) and evicts the oldest unused one.
 *
 * @example
 * const cache = new StatementLru<Statement>(100);
 * const statement = cache.get(sql) ?? prepareAndAdd(sql);
 */
export class StatementLru<S> {
  /** Most entries kept; 0 keeps none (every `add` returns what it was given). */
  readonly capacity: number;
  readonly #entries = new Map<string, Entry<S>>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The statement cached for `sql`, now marked used; undefined on a miss. */
  get(sql: string): S | undefined {
    const entry = this.#entries.get(sql);
    if (entry === undefined) return undefined;
    entry.used = true;
    return entry.statement;
  }

  /**
   * Caches `statement` for `sql` (not already cached) and returns the one that had to make room, if
   * any — the oldest not used since it was last given a second chance, or `statement` itself when
   * the capacity is 0 — for the caller to free.
   */
  add(sql: string, statement: S): S | undefined {
    if (this.capacity <= 0) return statement;
    const entries = this.#entries;
    let evicted: S | undefined;
    // Terminates: each pass either evicts or clears one mark, and there are at most `size` marks.
    while (entries.size >= this.capacity) {
      const oldest = entries.entries().next();
      if (oldest.done === true) break;
      const [key, entry] = oldest.value;
      entries.delete(key);
      if (entry.used) {
        entry.used = false;
        entries.set(key, entry);
      } else {
        evicted = entry.statement;
      }
    }
    entries.set(sql, { statement, used: false });
    return evicted;
  }

  /** Forgets one entry (a statement the server no longer has); true when it was cached. */
  delete(sql: string): boolean {
    return this.#entries.delete(sql);
  }

  /** Empties the cache and returns what it held, oldest first, for the caller to free. */
  clear(): S[] {
    const all = [...this.#entries.values()].map((entry) => entry.statement);
    this.#entries.clear();
    return all;
  }
}

interface Entry<S> {
  readonly statement: S;
  /** Hit since it was added or last given a second chance. */
  used: boolean;
}
