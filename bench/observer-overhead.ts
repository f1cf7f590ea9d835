/**
 * What the always-on insight costs on the hot path: `db.query()` throughput of a database built
 * exactly as `createDatabases()` builds it (DiagnosticsObserver wired, query tracing channel
 * checked, no subscribers) against the same database whose engine has no observer at all. Rounds
 * alternate in one process so both variants see the same JIT state, CPU frequency and server load;
 * the report is the median of each variant and their ratio. A third variant with every channel
 * subscribed shows what a tracer costs when one is attached.
 *
 *   npx tsx bench/observer-overhead.ts [--rounds 9] [--engines sqlite,postgres,mysql]
 */
import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import { parseArgs } from 'node:util';
import { resolveConfig } from '../src/config/resolve-config.js';
import { Database } from '../src/database.js';
import { DatabaseCore } from '../src/database-core.js';
import { adapters } from '../src/engines.js';
import { createDatabases } from '../src/index.js';
import { defaultLogger } from '../src/logger.js';
import { createPoolEngine } from '../src/pool/create-pool-engine.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '9' }, engines: { type: 'string', default: 'sqlite,postgres,mysql' } } });
const ROUNDS = Number(values.rounds);

interface Target {
  readonly name: string;
  readonly config: Record<string, unknown>;
  /** Concurrent loops and statements per loop in one round. */
  readonly loops: number;
  readonly perLoop: number;
}

const TARGETS: Record<string, Target> = {
  sqlite: { name: 'sqlite :memory:', config: { engine: 'sqlite', database: ':memory:' }, loops: 1, perLoop: 40_000 },
  postgres: { name: 'postgres SELECT 1', config: { engine: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test', pool: { min: 4, max: 4 } }, loops: 8, perLoop: 1500 },
  mysql: { name: 'mariadb SELECT 1', config: { engine: 'mysql', url: 'mysql://root@127.0.0.1:3306/test', pool: { min: 4, max: 4 } }, loops: 8, perLoop: 1500 },
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
  const dbs = createDatabases({ default: config });
  return { db: dbs.default, close: () => dbs.close() };
}

/** Statements per second of one round. */
async function round(db: Database, target: Target): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: target.loops }, async () => {
      for (let i = 0; i < target.perLoop; i++) await db.query('SELECT 1 AS n');
    }),
  );
  return (target.loops * target.perLoop) / ((performance.now() - started) / 1000);
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

for (const key of values.engines.split(',')) {
  const target = TARGETS[key];
  if (target === undefined) throw new Error(`unknown engine ${key}`);
  const baseline = withoutObserver(target.config);
  const wired = withObserver(target.config);
  // Warm up: open connections, let the JIT settle.
  await round(baseline.db, target);
  await round(wired.db, target);
  const results = { baseline: [] as number[], wired: [] as number[], subscribed: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate the order each round so neither variant always runs first.
    const order = r % 2 === 0 ? (['baseline', 'wired'] as const) : (['wired', 'baseline'] as const);
    for (const variant of order) results[variant].push(await round(variant === 'baseline' ? baseline.db : wired.db, target));
  }
  const unsubscribe = subscribeAll();
  for (let r = 0; r < Math.max(3, Math.floor(ROUNDS / 3)); r++) results.subscribed.push(await round(wired.db, target));
  unsubscribe();
  await baseline.close();
  await wired.close();
  const base = median(results.baseline);
  const on = median(results.wired);
  const sub = median(results.subscribed);
  const pct = (x: number): string => `${((x / base - 1) * 100).toFixed(1)} %`;
  console.log(
    `${target.name}: ${ROUNDS} alternating rounds of ${target.loops} × ${target.perLoop} queries\n` +
      `  no observer (baseline)           ${base.toFixed(0)} q/s (rounds: ${results.baseline.map((x) => x.toFixed(0)).join(' ')})\n` +
      `  observer wired, no subscribers   ${on.toFixed(0)} q/s (rounds: ${results.wired.map((x) => x.toFixed(0)).join(' ')})  → ${pct(on)}\n` +
      `  every channel subscribed (no-op) ${sub.toFixed(0)} q/s  → ${pct(sub)}`,
  );
}
