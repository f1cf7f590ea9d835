/**
 * What the always-on insight costs on the hot path: `db.query()` throughput of a database built
 * exactly as `createDatabases()` builds it (DiagnosticsObserver wired, query tracing channel
 * checked, no subscribers) against the same database whose engine has no observer at all. Rounds
 * alternate in one process so both variants see the same JIT state, CPU frequency and server load;
 * the report is the median of each variant and their ratio. A third variant with every channel
 * subscribed shows what a tracer costs when one is attached.
 *
 *   npx tsx bench/observer-overhead.ts [--rounds 21] [--engines sqlite,postgres,mysql]
 */
import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import { parseArgs } from 'node:util';
import { resolveConfig } from '../src/config/resolve-config.js';
import { Database } from '../src/database.js';
import { DatabaseCore } from '../src/database-core.js';
import { adapters } from '../src/engines.js';
import { createDatabases } from '../src/index.js';
import { defaultLogger } from '../src/logger.js';
import { DiagnosticsObserver } from '../src/metrics/diagnostics-observer.js';
import { createPoolEngine } from '../src/pool/create-pool-engine.js';
import type { PoolObserver } from '../src/pool/pool-engine.js';
import { PooledConnection } from '../src/pool/pooled-connection.js';
import { SafeObserver } from '../src/pool/safe-observer.js';
import { queryChannel } from '../src/metrics/pool-channels.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '21' }, engines: { type: 'string', default: 'calls,engine,sqlite,postgres,mysql' } } });
const ROUNDS = Number(values.rounds);

interface Target {
  readonly name: string;
  readonly config: Record<string, unknown>;
  /** Concurrent loops and statements per loop in one round. */
  readonly loops: number;
  readonly perLoop: number;
}

const TARGETS: Record<string, Target> = {
  sqlite: { name: 'sqlite :memory:', config: { engine: 'sqlite', database: ':memory:' }, loops: 1, perLoop: 10_000 },
  postgres: { name: 'postgres SELECT 1', config: { engine: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test', pool: { min: 4, max: 4 } }, loops: 8, perLoop: 500 },
  mysql: { name: 'mariadb SELECT 1', config: { engine: 'mysql', url: 'mysql://root@127.0.0.1:3306/test', pool: { min: 4, max: 4 } }, loops: 8, perLoop: 500 },
};

/** The database as createDatabases() builds it, minus the observer: the baseline. */
function withoutObserver(config: Record<string, unknown>): { db: Database; close: () => Promise<void> } {
  const [resolved] = resolveConfig({ default: config });
  if (resolved === undefined) throw new Error('no config');
  const adapter = adapters[resolved.engine];
  const engine = createPoolEngine<unknown>({
    alias: resolved.alias,
    engine: resolved.engine,
    pool: resolved.pool,
    factory: {
      create: () => adapter.connect(resolved.connection, { timeoutMs: resolved.pool.connectTimeoutMs, onBroken: () => undefined }),
      destroy: (raw) => adapter.close(raw),
      ping: (raw) => adapter.ping(raw),
    },
  });
  const db = new Database(new DatabaseCore(resolved, adapter, engine, defaultLogger));
  return { db, close: () => engine.close() };
}

function withObserver(config: Record<string, unknown>): { db: Database; close: () => Promise<void> } {
  const dbs = createDatabases({ default: config } as { default: { engine: 'sqlite' } });
  return { db: dbs.default, close: () => dbs.close() };
}

/** One round: wall-clock statements per second, and this process's CPU microseconds per statement. */
async function round(db: Database, target: Target): Promise<{ qps: number; cpuUs: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: target.loops }, async () => {
      for (let i = 0; i < target.perLoop; i++) await db.query('SELECT 1 AS n');
    }),
  );
  const used = process.cpuUsage(cpu);
  const n = target.loops * target.perLoop;
  return { qps: n / ((performance.now() - started) / 1000), cpuUs: (used.user + used.system) / n };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Subscribes a no-op to every unipool channel; returns the unsubscribe. */
function subscribeAll(): () => void {
  const noop = (): void => undefined;
  const names = ['acquire', 'release', 'create', 'destroy', 'timeout', 'leak'].map((n) => `unipool:${n}`);
  for (const name of names) subscribe(name, noop);
  const tracer = { start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop };
  tracingChannel('unipool:query').subscribe(tracer);
  return () => {
    for (const name of names) unsubscribe(name, noop);
    tracingChannel('unipool:query').unsubscribe(tracer);
  };
}

/** The q-th quantile of `values` (nearest rank). */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * The observer in isolation: acquire + release on an engine over a fake factory (no I/O), with
 * and without the DiagnosticsObserver. Returns CPU nanoseconds per acquire/release pair.
 */
async function enginePairs(observer: PoolObserver | undefined, pairs: number): Promise<number> {
  const [resolved] = resolveConfig({ default: { engine: 'sqlite', database: ':memory:' } });
  const engine = createPoolEngine<object>({
    alias: 'bench',
    engine: 'sqlite',
    pool: resolved!.pool,
    factory: { create: async () => ({}), destroy: async () => undefined, ping: async () => undefined },
    ...(observer === undefined ? {} : { observer }),
  });
  const conn = await engine.acquire();
  engine.release(conn);
  const cpu = process.cpuUsage();
  for (let i = 0; i < pairs; i++) engine.release(await engine.acquire());
  const used = process.cpuUsage(cpu);
  await engine.close();
  return ((used.user + used.system) * 1000) / pairs;
}

async function engineOnly(): Promise<void> {
  const observer = new DiagnosticsObserver({ alias: 'bench', engine: 'sqlite', acquireTimeoutMs: 30_000, leakDetectionMs: 0, logger: defaultLogger, numbers: () => ({ size: 0, inUse: 0, idle: 0, waiting: 0 }) });
  const without: number[] = [];
  const withObs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    without.push(await enginePairs(undefined, 50_000));
    withObs.push(await enginePairs(observer, 50_000));
  }
  const a = median(without);
  const b = median(withObs);
  console.log(`engine acquire+release, fake factory: ${ROUNDS} rounds of 50000\n  no observer ${a.toFixed(0)} ns/pair CPU, DiagnosticsObserver (no subscribers) ${b.toFixed(0)} ns/pair CPU → +${(b - a).toFixed(0)} ns per query`);
}

/**
 * The per-query work in isolation, as the engine and DatabaseCore.run() do it: the engine's
 * SafeObserver calling acquired() and released(), and the tracing channel's hasSubscribers check.
 * CPU nanoseconds per query, with and without the DiagnosticsObserver behind the SafeObserver.
 */
function observerCalls(): void {
  const observer = new DiagnosticsObserver({ alias: 'bench', engine: 'sqlite', acquireTimeoutMs: 30_000, leakDetectionMs: 0, logger: defaultLogger, numbers: () => ({ size: 0, inUse: 0, idle: 0, waiting: 0 }) });
  const variants = { bare: new SafeObserver(undefined, 'bench', defaultLogger), wired: new SafeObserver(observer, 'bench', defaultLogger) };
  const conn = new PooledConnection<unknown>({}, {}, 1, 0, Number.POSITIVE_INFINITY);
  const calls = 10_000_000;
  const measure = (safe: SafeObserver): number => {
    let traced = 0;
    const cpu = process.cpuUsage();
    for (let i = 0; i < calls; i++) {
      safe.acquired(conn, i);
      safe.released(conn, i);
      if (queryChannel.hasSubscribers) traced++;
    }
    const used = process.cpuUsage(cpu);
    if (traced !== 0) throw new Error('a tracer is subscribed');
    return ((used.user + used.system) * 1000) / calls;
  };
  const bare: number[] = [];
  const wired: number[] = [];
  for (let r = 0; r < Math.min(ROUNDS, 9); r++) {
    bare.push(measure(variants.bare));
    wired.push(measure(variants.wired));
  }
  console.log(`observer calls per query (acquired + released + tracing check), CPU: no observer ${median(bare).toFixed(1)} ns, DiagnosticsObserver ${median(wired).toFixed(1)} ns → +${(median(wired) - median(bare)).toFixed(1)} ns per query`);
}

for (const key of values.engines.split(',')) {
  if (key === 'calls') {
    observerCalls();
    continue;
  }
  if (key === 'engine') {
    await engineOnly();
    continue;
  }
  const target = TARGETS[key];
  if (target === undefined) throw new Error(`unknown engine ${key}`);
  const baseline = withoutObserver(target.config);
  const wired = withObserver(target.config);
  // Warm up: open connections, let the JIT settle.
  for (let i = 0; i < 3; i++) {
    await round(baseline.db, target);
    await round(wired.db, target);
  }
  const results = { baseline: [] as number[], wired: [] as number[], subscribed: [] as number[] };
  // Each round runs both variants back to back (order alternating), so a burst of load from
  // elsewhere on the machine hits a pair rather than one variant; the paired ratio cancels most of
  // it. CPU time per statement (this process only) is the steadier measure on a shared machine.
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const cpu = { baseline: [] as number[], wired: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? (['baseline', 'wired'] as const) : (['wired', 'baseline'] as const);
    const pair: Record<string, { qps: number; cpuUs: number }> = {};
    for (const variant of order) {
      const result = await round(variant === 'baseline' ? baseline.db : wired.db, target);
      pair[variant] = result;
      results[variant].push(result.qps);
      cpu[variant].push(result.cpuUs);
    }
    ratios.push(pair['wired']!.qps / pair['baseline']!.qps);
    cpuRatios.push(pair['wired']!.cpuUs / pair['baseline']!.cpuUs);
  }
  const unsubscribe = subscribeAll();
  for (let r = 0; r < Math.max(3, Math.floor(ROUNDS / 3)); r++) results.subscribed.push((await round(wired.db, target)).qps);
  unsubscribe();
  await baseline.close();
  await wired.close();
  const base = median(results.baseline);
  const pct = (ratio: number): string => `${((ratio - 1) * 100).toFixed(1)} %`;
  console.log(
    `${target.name}: ${ROUNDS} paired rounds of ${target.loops} × ${target.perLoop} queries\n` +
      `  no observer (baseline)            median ${base.toFixed(0)} q/s\n` +
      `  observer wired, no subscribers    median ${median(results.wired).toFixed(0)} q/s\n` +
      `  paired throughput wired/baseline  median ${pct(median(ratios))} (interquartile ${pct(quantile(ratios, 0.25))} … ${pct(quantile(ratios, 0.75))})\n` +
      `  client CPU per query              baseline ${median(cpu.baseline).toFixed(2)} µs, wired ${median(cpu.wired).toFixed(2)} µs; paired ratio median ${pct(median(cpuRatios))} (interquartile ${pct(quantile(cpuRatios, 0.25))} … ${pct(quantile(cpuRatios, 0.75))})\n` +
      `  every channel subscribed (no-op)  median ${median(results.subscribed).toFixed(0)} q/s → ${pct(median(results.subscribed) / base)} vs baseline`,
  );
}
