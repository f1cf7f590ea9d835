import { expect } from 'chai';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { callerStack, leakWarning } from '../../../src/metrics/leak-report.js';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const ADAPTERS = fileURLToPath(new URL('../../../adapters/', import.meta.url));

describe('metrics: the leak stack starts at the caller', () => {
  it("drops the header and unipool's and Node's frames above the first application frame, keeping the rest", () => {
    const stack = [
      'LeaseAcquired: a connection of pool "default" was acquired here',
      `    at DatabaseCore.acquire (${SRC}database-core.ts:44:40)`,
      `    at runAtomic (${pathToFileURL(SRC).href}transaction/run-atomic.ts:63:33)`,
      `    at stream (${ADAPTERS}postgres/postgres-stream.ts:10:3)`,
      '    at AsyncLocalStorage.run (node:async_hooks:346:14)',
      '    at exportReport (/srv/app/src/reports/export.ts:41:12)',
      `    at Database.atomic (${SRC}database.ts:150:12)`,
      '    at async handler (/srv/app/src/routes/reports.ts:18:5)',
    ].join('\n');
    expect(callerStack(stack).split('\n')).to.deep.equal([
      '    at exportReport (/srv/app/src/reports/export.ts:41:12)',
      `    at Database.atomic (${SRC}database.ts:150:12)`,
      '    at async handler (/srv/app/src/routes/reports.ts:18:5)',
    ]);
  });

  it('keeps every frame when none is outside unipool (an acquire from inside the library)', () => {
    const frames = [`    at DatabaseCore.acquire (${SRC}database-core.ts:44:40)`, '    at processTicksAndRejections (node:internal/process/task_queues:95:5)'];
    expect(callerStack(['LeaseAcquired: x', ...frames].join('\n'))).to.equal(frames.join('\n'));
  });

  it('words the warning with the pool, the time held, the threshold and the stack', () => {
    expect(leakWarning('default', 5003.4, 5000, '    at f (/app/x.ts:1:1)')).to.equal(
      'unipool: pool "default": a connection has been checked out for 5003 ms (leakDetectionMs=5000); it was acquired at:\n' +
        '    at f (/app/x.ts:1:1)\n' +
        'Release it: await every query, end atomic()/session() blocks and stream() loops, or raise pool.leakDetectionMs if the hold is legitimate.',
    );
    expect(leakWarning('default', 10, 10, '').split('\n')[0]).to.equal('unipool: pool "default": a connection has been checked out for 10 ms (leakDetectionMs=10) (no stack was captured)');
  });
});
