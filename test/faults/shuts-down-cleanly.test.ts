import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConnectionError as isPostgresConnectionError } from '../../adapters/postgres/postgres-errors.js';
import { UnipoolError } from '../../src/index.js';
import { ENGINES } from '../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../support/open-database.js';
import { errorKind, report } from './support/outcomes.js';
import { guardProcess } from './support/process-guard.js';

/** Generous: the child runs ~1 s of load and a 300 ms close; only a process that cannot exit gets near it. */
const EXIT_BOUND_MS = 30_000;

interface ChildReport {
  ops: number;
  ok: number;
  errors: Record<string, number>;
  heldForced: Record<string, number>;
  heldOk: number;
  closeMs: number;
  sizes: number[];
  lost: number;
  resources: string[];
}

/** A statement that a forced close cut off, as each engine reports it. */
function isForcedEnd(kind: string, error?: unknown): boolean {
  return kind === 'UNIPOOL_CONNECTION_BROKEN' || kind === 'UNIPOOL_POOL_CLOSED' || (error !== undefined && isPostgresConnectionError(error)) || kind === 'Error(Connection terminated)';
}

describe('shutdown: dbs.close({ timeoutMs }) under load', function () {
  this.timeout(60_000);
  const guard = guardProcess();

  for (const engine of ENGINES) {
    describe(engine.engine, () => {
      closeDatabasesAfterEach();

      it('settles a statement that is still running when close() forces its connection', async () => {
        const { dbs, db } = openDatabase(engine, { pool: { max: 2 } });
        let started!: () => void;
        const running = new Promise<void>((resolve) => (started = resolve));
        const sleeper =
          engine.engine === 'postgres' ? 'SELECT pg_sleep(30)' : engine.engine === 'mysql' ? 'SELECT SLEEP(30)' : undefined;
        const held = db
          .session(async () => {
            started();
            if (sleeper !== undefined) await db.query(sleeper);
            else {
              // SQLite runs in-process: the session goes on after the forced close.
              await new Promise((resolve) => setTimeout(resolve, 200));
              await db.query('SELECT 1');
            }
          })
          .then(
            () => null,
            (error: unknown) => error,
          );
        await running;
        await new Promise((resolve) => setTimeout(resolve, 50));
        await dbs.close({ timeoutMs: 50 });
        let timer: ReturnType<typeof setTimeout> | undefined;
        const error = await Promise.race([held, new Promise((resolve) => (timer = setTimeout(() => resolve('hung: never settled'), 10_000)))]);
        clearTimeout(timer);
        report(engine.engine, 'forced-close-in-flight', { failedWith: errorKind(error), size: db.stats().size, uncaught: guard.caught.length });
        expect(guard.caught, guard.describe()).to.deep.equal([]);
        expect(error, 'the cut-off statement must fail, not hang or succeed').to.be.an.instanceOf(Error);
        expect(isForcedEnd(errorKind(error), error), `unclear error: ${String(error)}`).to.equal(true);
        if (engine.engine !== 'postgres') expect(error).to.be.an.instanceOf(UnipoolError);
        expect(db.stats().size).to.equal(0);
      });
    });
  }

  it('drains, then forces, and the process exits on its own with code 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unipool-faults-exit-'));
    try {
      const startedAt = performance.now();
      const child = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', 'test/faults/fixtures/close-under-load.ts', join(dir, 'exit.sqlite3')],
          { timeout: EXIT_BOUND_MS, killSignal: 'SIGKILL' },
          (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, signal: error?.signal ?? null, stdout, stderr }),
        );
      });
      const exitMs = performance.now() - startedAt;
      const line = child.stdout.trim().split('\n').pop() ?? '';
      const result = JSON.parse(line === '' ? 'null' : line) as ChildReport | null;
      report('all', 'shutdown', {
        exit: child.code ?? `signal ${child.signal}`,
        exitMs: Math.round(exitMs),
        ops: result?.ops ?? 0,
        ok: result?.ok ?? 0,
        errors: JSON.stringify(result?.errors ?? {}),
        forced: JSON.stringify(result?.heldForced ?? {}),
        closeMs: result?.closeMs ?? -1,
        openHandles: (result?.resources ?? []).length,
        lost: result?.lost ?? -1,
      });
      expect(child.signal, `the child had to be killed: it did not exit by itself\n${child.stderr}`).to.equal(null);
      expect(child.code, child.stderr).to.equal(0);
      expect(result).to.not.equal(null);
      const report_ = result as ChildReport;
      expect(report_.lost, 'operations that never settled').to.equal(0);
      expect(report_.resources, 'handles still open after close()').to.deep.equal([]);
      expect(report_.sizes).to.deep.equal([0, 0, 0]);
      expect(Object.keys(report_.errors).filter((kind) => kind !== 'UNIPOOL_POOL_CLOSED'), 'errors other than UNIPOOL_POOL_CLOSED').to.deep.equal([]);
      // Every connection that close() had to take back by force ended its statement with an error.
      expect(report_.heldOk).to.equal(0);
      expect(Object.values(report_.heldForced).reduce((sum, n) => sum + n, 0)).to.equal(5);
      expect(Object.keys(report_.heldForced).filter((kind) => !isForcedEnd(kind))).to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
