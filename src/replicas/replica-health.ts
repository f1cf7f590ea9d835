/** Wait before the first re-probe of a replica that went down. */
export const REPLICA_BACKOFF_INITIAL_MS = 1000;
/** The wait doubles per failed re-probe up to this cap. */
export const REPLICA_BACKOFF_MAX_MS = 10_000;
/** Each wait is up to this fraction shorter, at random, so many processes do not re-probe in step. */
export const REPLICA_BACKOFF_JITTER = 0.25;

/**
 * Whether reads may go to one replica. A replica whose connect failed or whose connection broke is
 * marked down: reads skip it for a back-off period (1 s, doubling per failed probe to 10 s, up to
 * 25 % shorter at random), then one background probe decides whether it is back. Reads never wait
 * for the probe: until it succeeds they keep going to the other replicas or the primary.
 */
export class ReplicaHealth {
  /** False while marked down. Read on every routing decision, so it is a plain field. */
  healthy = true;
  /** Times marked down, for stats. */
  downs = 0;
  /** Consecutive failures since it was last healthy: sets the next back-off. */
  #failures = 0;
  #retryAt = 0;
  #probing = false;
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /**
   * A connect failed or a connection broke at `now`: skip the replica until the back-off ends.
   * Returns the back-off in ms, or undefined when it was already down — the reads that were in
   * flight when it went down all fail together, and must not lengthen the back-off one by one.
   */
  markDown(now: number): number | undefined {
    if (!this.healthy) return undefined;
    this.healthy = false;
    this.downs += 1;
    this.#failures = 1;
    return this.#waitFrom(now);
  }

  /** True once, when the back-off has ended and no probe runs: the caller starts one and reports with `probeEnded()`. */
  probeDue(now: number): boolean {
    if (this.healthy || this.#probing || now < this.#retryAt) return false;
    this.#probing = true;
    return true;
  }

  /** The probe's outcome: healthy again, or down for a longer back-off. */
  probeEnded(ok: boolean, now: number): void {
    this.#probing = false;
    if (!ok) {
      this.#failures += 1;
      this.#waitFrom(now);
      return;
    }
    this.healthy = true;
    this.#failures = 0;
  }

  #waitFrom(now: number): number {
    const nominal = Math.min(REPLICA_BACKOFF_MAX_MS, REPLICA_BACKOFF_INITIAL_MS * 2 ** Math.min(this.#failures - 1, 30));
    const wait = Math.round(nominal * (1 - REPLICA_BACKOFF_JITTER * this.#random()));
    this.#retryAt = now + wait;
    return wait;
  }
}
