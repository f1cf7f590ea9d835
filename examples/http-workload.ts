/**
 * The motivating workload on the embedded SQLite default: concurrent "requests" that each run a
 * query, await an outside call (50 ms), and run another query — once with release-ASAP and once with
 * a connection held per request (`release: 'request'`), on the same small pool.
 *
 *   npm start                      # 200 requests at once, pool max 5
 *   npm start -- --requests 500 --max 10 --wait-ms 50
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDatabases, type PoolStats } from '../src/index.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '200' },
    max: { type: 'string', default: '5' },
    'wait-ms': { type: 'string', default: '50' },
  },
});
const requests = Number(values.requests);
const max = Number(values.max);
const waitMs = Number(values['wait-ms']);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface ModeResult {
  mode: string;
  seconds: number;
  ok: number;
  failed: Record<string, number>;
  peakInUse: number;
  stats: PoolStats;
}

async function run(mode: 'asap' | 'request', file: string): Promise<ModeResult> {
  const dbs = createDatabases({
    default: { engine: 'sqlite', database: file, release: mode, pool: { max, acquireTimeoutMs: 10_000 } },
  });
  const db = dbs.default;
  await db.query('CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  await db.query("INSERT OR IGNORE INTO users (id, name) VALUES (1, 'ada'), (2, 'grace')");

  let peakInUse = 0;
  const sampler = setInterval(() => (peakInUse = Math.max(peakInUse, db.stats().inUse)), 1);
  const failed: Record<string, number> = {};
  let ok = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: requests }, (_, i) =>
      dbs
        .scope(async () => {
          await db.query('SELECT name FROM users WHERE id = ?', [1 + (i % 2)]);
          await sleep(waitMs); // the outside call: an HTTP request, a cache, a queue…
          await db.query('SELECT count(*) AS n FROM users');
          ok++;
        })
        .catch((error: { code?: string }) => {
          failed[error.code ?? 'other'] = (failed[error.code ?? 'other'] ?? 0) + 1;
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const stats = db.stats();
  await dbs.close();
  return { mode, seconds, ok, failed, peakInUse, stats };
}

const dir = mkdtempSync(join(tmpdir(), 'unipool-example-'));
try {
  console.log(`unipool example: ${requests} concurrent requests (query → ${waitMs} ms outside call → query) on SQLite, pool max ${max}\n`);
  const results = [await run('asap', join(dir, 'asap.sqlite3')), await run('request', join(dir, 'request.sqlite3'))];
  console.log('mode     req/s   wall s   ok    failed   peak inUse  acquired  wait p99 ms  hold p99 ms');
  for (const r of results) {
    const failed = Object.entries(r.failed).map(([code, n]) => `${code}:${n}`).join(' ') || '0';
    console.log(
      `${r.mode.padEnd(8)} ${(r.ok / r.seconds).toFixed(0).padStart(6)}  ${r.seconds.toFixed(2).padStart(6)}  ${String(r.ok).padStart(4)}  ${failed.padStart(7)}  ${String(r.peakInUse).padStart(10)}  ${String(r.stats.acquired).padStart(8)}  ${r.stats.waitMs.p99.toFixed(1).padStart(11)}  ${r.stats.holdMs.p99.toFixed(1).padStart(11)}`,
    );
  }
  const [asap, request] = results as [ModeResult, ModeResult];
  console.log(`\nasap served the same load ${(request.seconds / asap.seconds).toFixed(1)}× faster: each connection is held for a query, not for the whole request.`);
  console.log('\nstats() after the asap run:');
  console.log(JSON.stringify(asap.stats, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
