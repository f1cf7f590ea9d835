/**
 * Samples some gauges every `intervalMs` while a measurement runs and keeps the largest value of
 * each. An async sample (a server query) never overlaps the previous one; a failed sample is
 * skipped. The timer is unref'd, so a sampler left running cannot keep the process alive.
 */
export class PeakSampler<K extends string> {
  readonly #sample: () => Readonly<Record<K, number>> | Promise<Readonly<Record<K, number>>>;
  readonly #intervalMs: number;
  readonly #peaks = new Map<K, number>();
  #timer: ReturnType<typeof setInterval> | undefined = undefined;
  #inFlight: Promise<void> | undefined = undefined;
  #failures = 0;

  constructor(sample: () => Readonly<Record<K, number>> | Promise<Readonly<Record<K, number>>>, intervalMs: number) {
    this.#sample = sample;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#take();
    this.#timer = setInterval(() => this.#take(), this.#intervalMs);
    this.#timer.unref();
  }

  /** Stops sampling (after one last sample) and returns the peaks; a gauge never sampled is absent. */
  async stop(): Promise<Partial<Record<K, number>>> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
    this.#take();
    await this.#inFlight;
    return Object.fromEntries(this.#peaks) as Partial<Record<K, number>>;
  }

  /** Samples that failed (a server that stopped answering shows up here, not as a crash). */
  get failures(): number {
    return this.#failures;
  }

  #take(): void {
    if (this.#inFlight !== undefined) return;
    let value;
    try {
      value = this.#sample();
    } catch {
      this.#failures += 1;
      return;
    }
    if (!(value instanceof Promise)) {
      this.#record(value);
      return;
    }
    this.#inFlight = value.then(
      (sampled) => this.#record(sampled),
      () => {
        this.#failures += 1;
      },
    ).finally(() => {
      this.#inFlight = undefined;
    });
  }

  #record(values: Readonly<Record<K, number>>): void {
    for (const key of Object.keys(values) as K[]) {
      const value = values[key];
      if (Number.isFinite(value) && value > (this.#peaks.get(key) ?? Number.NEGATIVE_INFINITY)) this.#peaks.set(key, value);
    }
  }
}
