import type { Database } from '../database.js';
import type { DatabaseCore } from '../database-core.js';
import { ReplicaHealth } from './replica-health.js';

/**
 * One read replica of a database: its own `Database` (its own pool, the same release policy), and
 * whether reads may go to it.
 */
export class ReplicaMember {
  readonly db: Database;
  readonly core: DatabaseCore;
  /** `host:port`, as in stats and metrics. */
  readonly name: string;
  readonly health: ReplicaHealth;
  readonly #now: () => number;

  constructor(db: Database, core: DatabaseCore, name: string, now: () => number, random?: () => number) {
    this.db = db;
    this.core = core;
    this.name = name;
    this.#now = now;
    this.health = new ReplicaHealth(random);
  }

  /**
   * True when reads may go here now. A replica that is down is skipped; once its back-off has
   * ended, the first caller to ask starts one probe in the background and is still sent elsewhere,
   * so no read ever waits on a server that may be gone.
   */
  available(): boolean {
    const health = this.health;
    if (health.healthy) return true;
    if (health.probeDue(this.#now())) void this.#probe();
    return false;
  }

  /** Marks the replica down after `error`; logs once per outage. */
  markDown(error: unknown): void {
    const waitMs = this.health.markDown(this.#now());
    if (waitMs !== undefined) {
      const what = (error as Error | undefined)?.message ?? String(error);
      this.core.logger.warn(`unipool: pool "${this.core.config.alias}": replica ${this.name} is down (${firstLine(what)}); reads go to the other replicas or the primary, next probe in ${waitMs} ms`);
    }
  }

  /** One connection borrowed and pinged: the replica answers again, or stays down for a longer back-off. */
  async #probe(): Promise<void> {
    const core = this.core;
    let ok = false;
    try {
      const conn = await core.acquire();
      try {
        await core.adapter.ping(conn.raw);
        ok = true;
      } catch {
        core.markBroken(conn.raw);
      } finally {
        await core.giveBack(conn);
      }
    } catch {
      // Unreachable still (or the pool closed): stays down.
    }
    this.health.probeEnded(ok, this.#now());
  }
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
