/**
 * Which server (`host:port`) each open connection of one database reached, so that when one of
 * them finds its server turned read-only (a failover demoted it) the others to the same server can
 * be evicted too, instead of each failing one write before it is replaced. Only databases that list
 * several hosts or set `targetSessionAttrs` need it, but it costs two map operations per connection
 * opened or closed, nothing per statement.
 * @internal
 */
export class ServerConnections {
  readonly #serverOf = new Map<unknown, string>();
  readonly #connectionsOf = new Map<string, Set<unknown>>();

  /** `raw` is open to `server`. */
  add(raw: unknown, server: string): void {
    this.#serverOf.set(raw, server);
    let set = this.#connectionsOf.get(server);
    if (set === undefined) this.#connectionsOf.set(server, (set = new Set()));
    set.add(raw);
  }

  /** `raw` was closed. */
  remove(raw: unknown): void {
    const server = this.#serverOf.get(raw);
    if (server === undefined) return;
    this.#serverOf.delete(raw);
    const set = this.#connectionsOf.get(server);
    set?.delete(raw);
    if (set?.size === 0) this.#connectionsOf.delete(server);
  }

  /** The server `raw` reached, if it is known. */
  serverOf(raw: unknown): string | undefined {
    return this.#serverOf.get(raw);
  }

  /** Every open connection to the server `raw` reached (`raw` included; just `raw` when its server is unknown). */
  sameServer(raw: unknown): unknown[] {
    const server = this.#serverOf.get(raw);
    return server === undefined ? [raw] : [...(this.#connectionsOf.get(server) ?? [raw])];
  }
}
