import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('sqlite: the Drizzle sqlite-proxy example', () => {
  it('inserts, selects, commits a transaction with a nested savepoint rolled back, and rolls one back', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/drizzle-sqlite-proxy.ts'], { cwd: root });
    const outcome = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
    expect(outcome).to.deep.equal({
      bob: { id: 2, name: 'bob' },
      failed: 'boom',
      names: ['ada', 'bob', 'kept'],
      // create, insert, select, two transactions each holding one connection for their scope, final select
      acquired: 6,
      inUse: 0,
    });
  });
});
