/**
 * What one acquire + release of an idle connection costs: generic-pool's public API against the
 * engine's path (`acquireNow()`/`release()`, and `acquire()` for a caller that must wait). The
 * measured reason the engine drives generic-pool's internals (docs/explanation/pool-engine.md).
 *
 *   npx tsc -p bench/tsconfig.json && node .tmp/bench-build/bench/acquire-cost.js
 *
 * Compiled, not under tsx: tsx wraps every closure of the TypeScript sources (keepNames), a
 * per-call cost the published package does not have. Prints the median of 7 runs per variant,
 * alternated so that other load hits each alike.
 */
import genericPool from 'generic-pool';
import { createPoolEngine } from '../src/pool/create-pool-engine.js';
import { InnerPool } from '../src/pool/inner-pool.js';
import type { ResolvedPoolOptions } from '../src/config/resolved-config.js';

const ITERATIONS = 200_000;
const RUNS = 7;

const pool: ResolvedPoolOptions = {
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
};

const factory = { create: async () => ({}), destroy: async () => undefined };

async function genericPoolPublic(): Promise<number> {
  const gp = genericPool.createPool(factory, { min: 0, max: 10 });
  await gp.release(await gp.acquire());
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) await gp.release(await gp.acquire());
  const us = ((performance.now() - start) * 1000) / ITERATIONS;
  await gp.drain();
  await gp.clear();
  return us;
}

async function engine(path: 'acquireNow' | 'acquire'): Promise<number> {
  const e = createPoolEngine<object>({ alias: 'bench', engine: 'sqlite', pool, factory: { ...factory, ping: async () => undefined } });
  e.release(await e.acquire());
  const start = performance.now();
  if (path === 'acquireNow') {
    for (let i = 0; i < ITERATIONS; i++) e.release(e.acquireNow() ?? (await e.acquire()));
  } else {
    for (let i = 0; i < ITERATIONS; i++) e.release(await e.acquire());
  }
  const us = ((performance.now() - start) * 1000) / ITERATIONS;
  await e.close();
  return us;
}

/** The part that replaces generic-pool's acquire/release: its bookkeeping, without the engine's stats and timers. */
async function inner(): Promise<number> {
  const p = new InnerPool<object>({ ...factory, validate: () => true, ready: () => true }, { min: 1, max: 10, acquireTimeoutMs: 30_000, fifo: false }, () => undefined, () => performance.now());
  p.start();
  while (p.idle === 0) await new Promise((resolve) => setImmediate(resolve));
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) p.release(p.acquireIdleNow()!);
  const us = ((performance.now() - start) * 1000) / ITERATIONS;
  p.stop();
  p.destroyIdle();
  return us;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const variants = {
  'generic-pool public API (await acquire(), release())': () => genericPoolPublic(),
  "InnerPool acquireIdleNow() + release() (generic-pool's bookkeeping, driven directly)": () => inner(),
  'engine acquireNow() + release() (db.query with an idle connection; with stats, histograms, checks)': () => engine('acquireNow'),
  'engine await acquire() + release()': () => engine('acquire'),
};
const results = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
for (let run = 0; run < RUNS; run++) {
  for (const [name, measure] of Object.entries(variants)) results.get(name)!.push(await measure());
}
for (const [name, values] of results) process.stdout.write(`${median(values).toFixed(2).padStart(6)} µs  ${name}\n`);
