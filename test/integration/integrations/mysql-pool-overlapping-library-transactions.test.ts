import { expect } from 'chai';
import { Kysely, MysqlDialect, type Generated } from 'kysely';
import type { Pool } from 'mysql2';
import { engineUnderTest } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';
import { mysqlServerNames, useMysqlNamesTable } from '../../support/mysql-names-table.js';

const mariadb = engineUnderTest('mysql');

interface Tables {
  [table: string]: { id: Generated<number>; name: string };
}


/** A promise and the function that resolves it. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

// Two library transactions racing on the one connection a db.atomic() holds (Promise.all): each
// becomes a savepoint of the block. They are refused when they end out of order, rather than
// serialised (see docs/integrations/mysql-pool.md).
describe('mysql: library transactions overlapping inside one db.atomic()', () => {
  closeDatabasesAfterEach();
  let table: string;
  useMysqlNamesTable('kysely_overlap', (name) => (table = name));

  it('refuses to end the outer one while the inner one is open (UNIPOOL_UNSUPPORTED, nothing run); the block rolls back', async () => {
    const { db } = openDatabase(mariadb);
    const kysely = new Kysely<Tables>({ dialect: new MysqlDialect({ pool: db.mysqlPool<Pool>() }) });
    const aBegun = signal();
    const bBegun = signal();
    const aEnded = signal();
    const outcome = await db
      .atomic(async () => {
        await db.query(`INSERT INTO ${table} (name) VALUES ('block')`);
        const a = kysely
          .transaction()
          .execute(async (trx) => {
            aBegun.fire();
            await trx.insertInto(table).values({ name: 'a' }).execute();
            await bBegun.promise; // B's savepoint is open, and opened after A's
          })
          .finally(() => aEnded.fire());
        const b = aBegun.promise.then(() =>
          kysely.transaction().execute(async (trx) => {
            bBegun.fire();
            await trx.insertInto(table).values({ name: 'b' }).execute();
            await aEnded.promise; // still open when A commits
          }),
        );
        const settled = await Promise.allSettled([a, b]);
        throw Object.assign(new Error('both settled'), { settled });
      })
      .catch((error: { settled?: PromiseSettledResult<unknown>[] }) => error.settled);
    const [a, b] = outcome as [PromiseSettledResult<unknown>, PromiseSettledResult<unknown>];
    expect(a.status).to.equal('rejected');
    const refusal = (a as PromiseRejectedResult).reason as { code?: string; message: string };
    expect(refusal.code).to.equal('UNIPOOL_UNSUPPORTED');
    expect(refusal.message).to.include('two library transactions overlap on the connection one db.atomic()/session() block holds').and.include('nothing was run');
    // A's release rolled back to its savepoint, which ended B's too: B cannot commit what is gone.
    expect(b.status).to.equal('rejected');
    expect(((b as PromiseRejectedResult).reason as { code?: string }).code).to.equal('UNIPOOL_UNSUPPORTED');
    expect(await mysqlServerNames(table)).to.deep.equal([]);
    expect(db.stats().destroyed, 'B did not try to undo a savepoint that was already gone').to.equal(0);
    await kysely.destroy();
  });

  it('lets them run when each ends before the one begun before it (properly nested), or one after the other', async () => {
    const { db } = openDatabase(mariadb);
    const kysely = new Kysely<Tables>({ dialect: new MysqlDialect({ pool: db.mysqlPool<Pool>() }) });
    const aBegun = signal();
    const bEnded = signal();
    await db.atomic(async () => {
      const a = kysely.transaction().execute(async (trx) => {
        aBegun.fire();
        await trx.insertInto(table).values({ name: 'a' }).execute();
        await bEnded.promise; // B, begun later, ends first
      });
      const b = aBegun.promise
        .then(() =>
          kysely.transaction().execute(async (trx) => {
            await trx.insertInto(table).values({ name: 'b-undone' }).execute();
            throw new Error('b rolls back');
          }),
        )
        .catch((error: Error) => error.message)
        .finally(() => bEnded.fire());
      expect(await Promise.all([a, b])).to.deep.equal([undefined, 'b rolls back']);
      await kysely.transaction().execute((trx) => trx.insertInto(table).values({ name: 'c' }).execute());
    });
    expect(await mysqlServerNames(table)).to.deep.equal(['a', 'c']);
    await kysely.destroy();
  });
});
