import { expect } from 'chai';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ENGINES } from '../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../support/open-database.js';
import { Outcomes, report } from './support/outcomes.js';
import { expectConsistent, expectQuiet, pause } from './support/pool-invariants.js';
import { guardProcess } from './support/process-guard.js';

const CALLERS = 2000;
const MAX = 5;
const MAX_WAITING = 500;
const ACQUIRE_TIMEOUT_MS = 1000;
const HOLD_MS = 20;
const ROUNDS = 3;
/** Generous: 2,000 settled promises and their errors are a few MB; a leak of the waiting queue is more. */
const HEAP_GROWTH_BOUND_MB = 32;

/** A full collection, so heap figures compare live objects rather than garbage. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function heapMb(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

for (const engine of ENGINES) {
  describe(`${engine.engine}: saturation`, function () {
    this.timeout(60_000);
    const guard = guardProcess();
    closeDatabasesAfterEach();

    it(`answers each of ${CALLERS} callers on max ${MAX} with a result or a coded error, in bounded memory, then serves normally`, async () => {
      const { db } = openDatabase(engine, { pool: { max: MAX, maxWaiting: MAX_WAITING, acquireTimeoutMs: ACQUIRE_TIMEOUT_MS } });
      await db.query(engine.select('1 AS one'));
      const heapBefore = heapMb();
      const rounds: Outcomes[] = [];
      const heapAfterRound: number[] = [];
      let peakWaiting = 0;
      /** Samples where a connection sat idle while callers waited: a waiter the pool forgot to serve. */
      let starvedSamples = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const outcomes = new Outcomes();
        const sampler = setInterval(() => {
          const stats = db.stats();
          expectConsistent(stats, `round ${round}`);
          peakWaiting = Math.max(peakWaiting, stats.waiting);
          if (stats.idle > 0 && stats.waiting > 0) starvedSamples += 1;
        }, 10);
        // Each caller holds its connection across an await, like a request doing work between queries.
        await Promise.all(
          Array.from({ length: CALLERS }, () =>
            outcomes.track(() =>
              db.session(async () => {
                await db.query(engine.select('1 AS one'));
                await pause(HOLD_MS);
              }),
            ),
          ),
        );
        clearInterval(sampler);
        rounds.push(outcomes);
        heapAfterRound.push(heapMb());
      }
      const after = new Outcomes();
      await Promise.all(Array.from({ length: 100 }, () => after.track(() => db.query(engine.select('1 AS one')))));
      const stats = db.stats();
      const last = rounds[ROUNDS - 1] as Outcomes;

      report(engine.engine, 'saturation', {
        callers: CALLERS,
        rounds: ROUNDS,
        max: MAX,
        maxWaiting: MAX_WAITING,
        ok: last.ok,
        errors: last.errorSummary(),
        peakWaiting,
        starvedSamples,
        heapBeforeMb: heapBefore,
        heapAfterMb: heapAfterRound.map((mb) => mb.toFixed(1)).join('/'),
        after: `${after.ok}/${after.started}`,
        timeouts: stats.timeouts,
        rejected: stats.rejected,
        uncaught: guard.caught.length,
        lost: rounds.reduce((sum, r) => sum + r.lost, 0),
      });

      expect(guard.caught, guard.describe()).to.deep.equal([]);
      for (const outcomes of rounds) {
        expect(outcomes.ok + outcomes.failed).to.equal(CALLERS);
        expect(outcomes.unexpected((kind) => kind === 'UNIPOOL_QUEUE_FULL' || kind === 'UNIPOOL_ACQUIRE_TIMEOUT')).to.deep.equal([]);
        expect(outcomes.ok, 'some callers are served').to.be.greaterThan(0);
        expect(outcomes.errors.get('UNIPOOL_QUEUE_FULL'), 'callers beyond maxWaiting are turned away').to.be.greaterThan(0);
        expect(outcomes.lost).to.equal(0);
      }
      expect(peakWaiting, 'the queue never outgrows maxWaiting').to.be.at.most(MAX_WAITING);
      expect(starvedSamples, 'samples with an idle connection and callers waiting').to.equal(0);
      // Every timeout and rejection is counted where operators look.
      const failures = (kind: string): number => rounds.reduce((sum, r) => sum + (r.errors.get(kind) ?? 0), 0);
      expect(stats.timeouts).to.equal(failures('UNIPOOL_ACQUIRE_TIMEOUT'));
      expect(stats.rejected).to.equal(failures('UNIPOOL_QUEUE_FULL'));
      for (const mb of heapAfterRound) expect(mb - heapBefore, `heap growth (MB) after a round`).to.be.below(HEAP_GROWTH_BOUND_MB);
      expect(after.ok, after.errorSummary()).to.equal(after.started);
      expectQuiet(stats, 'after saturation');
    });
  });
}
