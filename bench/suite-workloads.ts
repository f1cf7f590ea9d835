import type { ConnectionsNeeded, SweepPoint, WorkloadResult } from '../src/cli/bench/bench-result.js';
import type { BenchProgress } from '../src/cli/bench/bench-progress.js';
import type { BenchTarget } from '../src/cli/bench/bench-target.js';
import { littlesLawFloor, sweepMax } from '../src/cli/bench/external-call.js';
import type { ContenderSpec } from '../src/cli/bench/pool-under-test.js';
import { rawPgContender } from '../src/cli/bench/raw-driver-contenders.js';
import { runRounds } from '../src/cli/bench/run-rounds.js';
import type { ServerConnections } from '../src/cli/bench/server-connections.js';
import { unipoolContender } from '../src/cli/bench/unipool-contender.js';
import { W3_ROWS, workloadSql } from '../src/cli/bench/workload-sql.js';
import { DEFAULT_MAX, measureW1, measureW2, measureW2Bound, rawContender, baseContenders, w2Contenders, workloadHeader } from '../src/cli/bench/workloads.js';
import { knexContender } from './knex-contender.js';
import { drizzleContender, kyselyContender } from './orm-contenders.js';
import { mariadbContender, mysql2PromiseContender, postgresJsContender } from './peer-contenders.js';
import type { PgBouncer } from './pgbouncer.js';
import type { SuiteOptions } from './suite-options.js';
import { runStatements } from './suite-targets.js';

/** W3: concurrent transaction loops. */
export const W3_CONCURRENCY = 64;
/** The W3 table (unique to the benchmark; dropped afterwards). */
const W3_TABLE = 't_bench_w3';
/** Connections left to everyone else when the W2 sweep sizes itself to the server's limit. */
const SPARE_CONNECTIONS = 10;

/** What every workload of one engine shares. */
export interface EngineContext {
  readonly target: BenchTarget;
  readonly options: SuiteOptions;
  readonly server: ServerConnections | undefined;
  readonly progress: BenchProgress;
  /** PgBouncer, when the engine is PostgreSQL and it started; otherwise why not. */
  readonly pgbouncer: PgBouncer | string | undefined;
}

function knexFor(target: BenchTarget): ContenderSpec | undefined {
  if (target.engine === 'sqlite') return undefined;
  return knexContender(target.engine === 'postgres' ? 'pg' : 'mysql2', target.settings);
}

/** The other fast clients of the engine (postgres.js; mysql2's promise pool and mariadb), for W1 and W3. */
function peersFor(target: BenchTarget): ContenderSpec[] {
  if (target.engine === 'postgres') return [postgresJsContender(target.settings, true), postgresJsContender(target.settings, false)];
  if (target.engine === 'mysql') return [mysql2PromiseContender(target.settings), mariadbContender(target.settings)];
  return [];
}

/** unipool with its statement cache off, beside the default (on for PostgreSQL and SQLite). */
function unipoolWithoutCache(target: BenchTarget): ContenderSpec | undefined {
  if (target.engine === 'mysql') return undefined; // off there by default already
  return { ...unipoolContender({ ...target.config, statementCacheSize: 0 }, 'asap'), id: 'unipool-asap-nocache', label: 'unipool (asap, statementCacheSize 0)' };
}

/** unipool with pipelining off, beside the default (on): PostgreSQL and MySQL, the engines that pipeline. */
function unipoolWithoutPipeline(target: BenchTarget): ContenderSpec | undefined {
  if (target.engine !== 'postgres' && target.engine !== 'mysql') return undefined;
  return { ...unipoolContender({ ...target.config, pipeline: false }, 'asap'), id: 'unipool-asap-nopipeline', label: 'unipool (pipeline: false)' };
}

function base(ctx: EngineContext, workload: 'w3', title: string, concurrency: number, baseline: string, rounds: number, durationMs: number): Omit<WorkloadResult, 'contenders' | 'skipped'> {
  return { workload, engine: ctx.target.engine, title, concurrency, max: DEFAULT_MAX, rounds, durationMs, baseline };
}

/** W1: the hot path against the raw pool, knex and PgBouncer. */
export async function runW1(ctx: EngineContext): Promise<WorkloadResult> {
  const { target, options } = ctx;
  const { raw, asap, request } = baseContenders(target);
  const contenders: ContenderSpec[] = [raw, asap, request];
  const knex = knexFor(target);
  const noCache = unipoolWithoutCache(target);
  if (noCache !== undefined) contenders.push(noCache);
  const noPipeline = unipoolWithoutPipeline(target);
  if (noPipeline !== undefined) contenders.push(noPipeline);
  if (knex !== undefined) contenders.push(knex);
  contenders.push(...peersFor(target));
  if (target.engine === 'postgres') {
    // What unipool underneath costs an ORM user: each ORM over a plain pg.Pool and over db.pgPool().
    for (const orm of [drizzleContender, kyselyContender]) contenders.push(orm('pg', target.config, target.settings), orm('unipool', target.config, target.settings));
  }
  const skipped: { id: string; reason: string }[] = [];
  if (typeof ctx.pgbouncer === 'string') skipped.push({ id: 'pgbouncer', reason: ctx.pgbouncer });
  else if (ctx.pgbouncer !== undefined) {
    contenders.push(rawPgContender({ ...target.settings, host: '127.0.0.1', port: ctx.pgbouncer.port }, { id: 'pgbouncer', label: 'pg.Pool → PgBouncer' }));
  }
  const results = await measureW1(target, contenders, raw.id, { name: `W1 ${target.engine}`, rounds: options.rounds, durationMs: options.durationMs, warmupMs: options.warmupMs, server: ctx.server, progress: ctx.progress });
  return { ...workloadHeader(target, 'w1', raw.id, options.rounds, options.durationMs), contenders: results, skipped };
}

/** W2: asap against request (and a client checked out per request), at max 10 and swept over max. */
export async function runW2(ctx: EngineContext): Promise<WorkloadResult> {
  const { target, options, progress } = ctx;
  const sql = workloadSql(target.engine);
  const { raw, asap, request } = baseContenders(target);
  const contenders = w2Contenders(target, raw, asap, request);
  const results = await measureW2(target, contenders, request.id, { name: `W2 ${target.engine}`, rounds: options.w2Rounds, durationMs: options.w2DurationMs, warmupMs: options.warmupMs, server: ctx.server, progress });

  progress.start(`W2 ${target.engine}: measuring the concurrency bound`, options.sweepDurationMs + 1000);
  const bound = await measureW2Bound(target, raw, options.sweepDurationMs);
  progress.finish(`${Math.round(bound.requestsPerSec).toLocaleString('en-US')} req/s (outside call ${bound.outsideCallMs.toFixed(1)} ms, query ${bound.queryMs.toFixed(2)} ms)`);
  // The full sweep (every contender) on PostgreSQL, where the smallest max reaching 95 % of the
  // bound is a headline number; elsewhere, and in the short modes, only asap is swept and the holders' needs follow from Little's law.
  const swept = target.engine === 'postgres' && options.sweepHolders ? contenders : [asap];
  const sweep: SweepPoint[] = [];
  const needed: ConnectionsNeeded[] = [];
  for (const contender of contenders) {
    const holds = contender !== asap;
    if (!swept.includes(contender)) {
      needed.push({ contender: contender.id, label: contender.label, max: null, largestTried: 0, atLeast: littlesLawFloor(bound), bestPerSec: results.find((r) => r.id === contender.id)?.opsPerSec ?? 0, plateauMax: null });
      continue;
    }
    const maxAllowed = await spareConnections(ctx);
    const result = await sweepMax({ contender, holdsThroughCall: holds, bound, select: sql.select, maxAllowed, durationMs: options.sweepDurationMs, warmupMs: options.warmupMs, server: ctx.server, progress, ...(options.sweepMaxes === undefined ? {} : { maxes: options.sweepMaxes }) });
    sweep.push(...result.points);
    needed.push(result.needed);
  }
  return { ...workloadHeader(target, 'w2', request.id, options.w2Rounds, options.w2DurationMs), contenders: results, skipped: [], bound, sweep, connectionsNeeded: needed };
}

/** How large a pool the server can take now without starving everyone else. */
async function spareConnections(ctx: EngineContext): Promise<number> {
  if (ctx.server === undefined) return Number.POSITIVE_INFINITY;
  const { limit, used } = await ctx.server.capacity();
  return Math.max(1, limit - used - SPARE_CONNECTIONS);
}

/** W3: short transactions with a row lock, against raw BEGIN/COMMIT and knex.transaction(). */
export async function runW3(ctx: EngineContext): Promise<WorkloadResult> {
  const { target, options } = ctx;
  const sql = workloadSql(target.engine);
  const raw = rawContender(target);
  const contenders: ContenderSpec[] = [raw, { ...unipoolContender(target.config, 'asap'), label: 'unipool atomic()' }];
  const knex = knexFor(target);
  if (knex !== undefined) contenders.push({ ...knex, label: 'knex.transaction()' });
  for (const peer of peersFor(target)) contenders.push({ ...peer, label: `${peer.label} ${peer.id.startsWith('postgres-js') ? 'sql.begin()' : 'transaction'}` });
  await runStatements(target.config, sql.createTable(W3_TABLE));
  try {
    const results = await runRounds({ name: `W3 ${target.engine}`, contenders, baseline: raw.id, rounds: options.rounds, durationMs: options.durationMs, warmupMs: options.warmupMs, concurrency: W3_CONCURRENCY, max: DEFAULT_MAX, op: (pool) => (i) => pool.transaction(sql.transaction(W3_TABLE, ((i * 7919) % W3_ROWS) + 1)), server: ctx.server, progress: ctx.progress });
    return { ...base(ctx, 'w3', 'W3 transactions', W3_CONCURRENCY, raw.id, options.rounds, options.durationMs), contenders: results, skipped: [] };
  } finally {
    await runStatements(target.config, [sql.dropTable(W3_TABLE)]);
  }
}
