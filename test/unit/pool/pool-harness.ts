import FakeTimers from '@sinonjs/fake-timers';
import type { ResolvedPoolOptions } from '../../../src/config/resolved-config.js';
import { createPoolEngine } from '../../../src/pool/create-pool-engine.js';
import type { DestroyReason, PoolEngine, PoolEngineOptions, PooledConnection } from '../../../src/pool/pool-engine.js';
import { FakeFactory, type FakeConnection } from '../../support/fake-factory.js';

/** Fake clock over every timer the pool and generic-pool use, and `performance.now()`/`Date`. */
export type Clock = ReturnType<typeof FakeTimers.install>;

/**
 * Install fake timers (call in `beforeEach`, `clock.uninstall()` in `afterEach`). generic-pool looks
 * up the global `setTimeout`/`Date.now` at call time, so its acquire timeouts are driven by this
 * clock too (the acquire-timeout tests depend on it).
 */
export function installClock(): Clock {
  return FakeTimers.install({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'Date', 'performance'],
  });
}

/** The documented pool defaults. */
export function poolOptions(overrides: Partial<ResolvedPoolOptions> = {}): ResolvedPoolOptions {
  return {
    min: 0,
    max: 10,
    acquireTimeoutMs: 30_000,
    maxWaiting: null,
    idleTimeoutMs: 60_000,
    maxLifetimeMs: 1_800_000,
    maxUses: 0,
    validateAfterIdleMs: 5000,
    connectTimeoutMs: 10_000,
    order: 'lifo',
    leakDetectionMs: 0,
    ...overrides,
  };
}

/** Deterministic [0, 1) numbers (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One observer call, as recorded by `recordingObserver`. */
export type PoolEvent =
  | { kind: 'acquired'; id: number; waitMs: number }
  | { kind: 'released'; id: number; holdMs: number }
  | { kind: 'created'; id: number; createMs: number }
  | { kind: 'destroyed'; id: number; reason: DestroyReason }
  | { kind: 'timedOut'; error: Error }
  | { kind: 'connectFailed'; error: unknown }
  | { kind: 'leaked'; id: number; heldMs: number; stack: string };

/** A built engine with its fake factory and the observer calls it made. */
export interface Harness {
  readonly engine: PoolEngine<FakeConnection>;
  readonly factory: FakeFactory;
  readonly events: PoolEvent[];
  /** Reasons of every `destroyed` event, in order. */
  destroyReasons(): DestroyReason[];
}

/** Build an engine over a `FakeFactory` with a recording observer. */
export function makeEngine(
  pool: Partial<ResolvedPoolOptions> = {},
  extra: Partial<PoolEngineOptions<FakeConnection>> & { factory?: FakeFactory } = {},
): Harness {
  const factory = extra.factory ?? new FakeFactory();
  const events: PoolEvent[] = [];
  const id = (conn: PooledConnection<unknown>): number => conn.id;
  const engine = createPoolEngine<FakeConnection>({
    alias: 'main',
    engine: 'postgres',
    pool: poolOptions(pool),
    random: seededRandom(42),
    observer: {
      acquired: (conn, waitMs) => events.push({ kind: 'acquired', id: id(conn), waitMs }),
      released: (conn, holdMs) => events.push({ kind: 'released', id: id(conn), holdMs }),
      created: (conn, createMs) => events.push({ kind: 'created', id: id(conn), createMs }),
      destroyed: (conn, reason) => events.push({ kind: 'destroyed', id: id(conn), reason }),
      timedOut: (error) => events.push({ kind: 'timedOut', error }),
      connectFailed: (error) => events.push({ kind: 'connectFailed', error }),
      leaked: (conn, heldMs, stack) => events.push({ kind: 'leaked', id: id(conn), heldMs, stack }),
    },
    ...extra,
    factory,
  });
  const destroyReasons = (): DestroyReason[] =>
    events.flatMap((event) => (event.kind === 'destroyed' ? [event.reason] : []));
  return { engine, factory, events, destroyReasons };
}

/** The rejection of `promise` (fails the test if it resolves). Attaches a handler at once. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: string; cause?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Start watching a promise so a later rejection is not reported as unhandled; read it with `settled()`. */
export function watch<T>(promise: Promise<T>): { settled(): { state: 'pending' } | { state: 'resolved'; value: T } | { state: 'rejected'; error: Error & { code?: string; cause?: unknown } } } {
  let result: { state: 'pending' } | { state: 'resolved'; value: T } | { state: 'rejected'; error: Error & { code?: string } } = { state: 'pending' };
  promise.then(
    (value) => {
      result = { state: 'resolved', value };
    },
    (error: unknown) => {
      result = { state: 'rejected', error: error as Error & { code?: string } };
    },
  );
  return { settled: () => result };
}
