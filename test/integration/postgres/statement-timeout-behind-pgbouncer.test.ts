import { expect } from 'chai';
import { createDatabases, UnipoolError } from '../../../src/index.js';
import { startPgBouncer, type RunningPgBouncer } from '../../support/pgbouncer.js';

const caught = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

// statementTimeoutMs reaches PostgreSQL as the startup parameter statement_timeout. The test
// machine's PgBouncer (1.18) knows no track_extra_parameters (1.20+), so these are the two
// outcomes a user of an older PgBouncer meets: refused by default, or ignored on request (then
// only the client backstop bounds a statement). A missing binary fails the `before` hook.
describe('postgres behind PgBouncer (transaction mode): statementTimeoutMs', function () {
  this.timeout(20_000);
  let refusing: RunningPgBouncer | undefined;
  let ignoring: RunningPgBouncer | undefined;

  before(async () => {
    refusing = await startPgBouncer({ poolMode: 'transaction', defaultPoolSize: 2 });
    ignoring = await startPgBouncer({ poolMode: 'transaction', defaultPoolSize: 2, settings: { ignore_startup_parameters: 'statement_timeout' } });
  });
  after(async () => {
    await refusing?.stop();
    await ignoring?.stop();
  });

  it('is refused at connect by default: UNIPOOL_CONNECT_FAILED at once, with the fix in the message', async () => {
    const dbs = createDatabases({ default: { engine: 'postgres', url: (refusing as RunningPgBouncer).url, statementTimeoutMs: 300, pool: { acquireTimeoutMs: 15_000 } } });
    try {
      const started = performance.now();
      const error = await caught(dbs.default.query('SELECT 1'));
      expect(error).to.be.instanceOf(UnipoolError);
      expect((error as UnipoolError).code).to.equal('UNIPOOL_CONNECT_FAILED');
      expect((error as Error).message).to.contain('unsupported startup parameter: statement_timeout (08P01)');
      expect((error as Error).message).to.contain("list statement_timeout in PgBouncer's track_extra_parameters (1.20+), or in ignore_startup_parameters");
      // A refused parameter is permanent: no waiting for acquireTimeoutMs.
      expect(performance.now() - started).to.be.below(10_000);
    } finally {
      await dbs.close();
    }
  });

  it('with ignore_startup_parameters the server has no limit, and the client backstop ends the statement at the limit + 1 s', async () => {
    const dbs = createDatabases({ default: { engine: 'postgres', url: (ignoring as RunningPgBouncer).url, statementTimeoutMs: 300, pool: { max: 1 } } });
    const db = dbs.default;
    try {
      // PgBouncer dropped the parameter: the server session runs with the server's default.
      expect((await db.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]?.statement_timeout).to.not.equal('300ms');
      const started = performance.now();
      const error = await caught(db.query('SELECT pg_sleep(10)'));
      const elapsed = performance.now() - started;
      expect((error as UnipoolError).code).to.equal('UNIPOOL_STATEMENT_TIMEOUT');
      expect((error as UnipoolError).cause).to.have.property('message', 'Query read timeout');
      expect(elapsed).to.be.at.least(1250);
      expect(elapsed, 'ended by the backstop, not by the end of the sleep').to.be.below(8000);
      expect(db.stats().destroyed).to.equal(1);
      // A new connection serves the next statement.
      expect((await db.query('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
    } finally {
      await dbs.close();
    }
  });
});
