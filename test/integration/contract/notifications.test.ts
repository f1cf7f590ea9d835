import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createDatabases } from '../../../src/index.js';
import { ENGINES, eventually } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';

const channelName = (): string => `unipool_${randomUUID().replaceAll('-', '').slice(0, 16)}`;

for (const engine of ENGINES) {
  describe(`${engine.engine}: notifications (db.listen / db.notify)`, () => {
    closeDatabasesAfterEach();

    if (engine.engine === 'postgres') {
      it('delivers notify() payloads to listen() handlers, outside max, until unlisten', async () => {
        const { db } = openDatabase(engine, { pool: { max: 1 } });
        expect(db.capabilities.notifications).to.equal(true);
        const channel = channelName();
        const received: string[] = [];
        const unlisten = await db.listen(channel, (payload) => void received.push(payload));
        // The listening connection is not the pool's: the one pooled connection is still free.
        await db.notify(channel, 'one');
        await db.notify(channel, JSON.stringify({ id: 2 }));
        await eventually(() => received.length === 2);
        expect(received).to.deep.equal(['one', '{"id":2}']);
        expect(db.stats()).to.include({ size: 1, inUse: 0 });
        await unlisten();
        await unlisten();
        await db.notify(channel, 'after');
        await db.query('SELECT pg_sleep(0.1)');
        expect(received).to.have.length(2);
      });

      it('several subscriptions share the connection: concurrent listens on one channel, unlisten of one keeps the other', async () => {
        const { db } = openDatabase(engine);
        const [a, b] = [channelName(), channelName()];
        const seen: string[] = [];
        const [stopA1, stopA2, stopB] = await Promise.all([
          db.listen(a, (payload) => void seen.push(`a1:${payload}`)),
          db.listen(a, (payload) => void seen.push(`a2:${payload}`)),
          db.listen(b, (payload) => void seen.push(`b:${payload}`)),
        ]);
        await db.notify(a, '1');
        await db.notify(b, '2');
        await eventually(() => seen.length === 3);
        expect([...seen].sort()).to.deep.equal(['a1:1', 'a2:1', 'b:2']);
        await stopA1();
        await db.notify(a, '3');
        await eventually(() => seen.length === 4);
        expect(seen[3]).to.equal('a2:3');
        await Promise.all([stopA2(), stopB()]);
      });

      it('a handler that throws is reported, and the others still run', async () => {
        const warnings: string[] = [];
        const dbs = createDatabases(
          { default: engine.config() as never },
          { logger: { warn: (message) => void warnings.push(message) } },
        );
        try {
          const db = dbs.default;
          const channel = channelName();
          const seen: string[] = [];
          await db.listen(channel, () => {
            throw new Error('handler bug');
          });
          await db.listen(channel, (payload) => void seen.push(payload));
          await db.notify(channel, 'x');
          await eventually(() => seen.length === 1 && warnings.length === 1);
          expect(warnings[0]).to.include('handler bug');
        } finally {
          await dbs.close();
        }
      });

      it('quotes the channel as an identifier: case is kept and no name can inject SQL', async () => {
        const { db } = openDatabase(engine);
        const tricky = `Mixed"Case; DROP TABLE x; --`;
        const received: string[] = [];
        const unlisten = await db.listen(tricky, (payload) => void received.push(payload));
        await db.notify(tricky.toLowerCase(), 'wrong case');
        await db.notify(tricky, 'right');
        await eventually(() => received.length === 1);
        await db.query('SELECT pg_sleep(0.1)');
        expect(received).to.deep.equal(['right']);
        await unlisten();
      });

      it('a notify() inside atomic() is delivered at COMMIT, and never after a rollback', async () => {
        const { db } = openDatabase(engine);
        const channel = channelName();
        const received: string[] = [];
        const unlisten = await db.listen(channel, (payload) => void received.push(payload));
        await db.atomic(async () => {
          await db.notify(channel, 'rolled back');
          throw new Error('roll back');
        }).catch(() => undefined);
        await db.atomic(() => db.notify(channel, 'committed'));
        await eventually(() => received.length === 1);
        expect(received).to.deep.equal(['committed']);
        await unlisten();
      });

      it('refuses a channel name the server would truncate, and a handler that is not a function', async () => {
        const { db } = openDatabase(engine);
        const long = 'x'.repeat(64);
        const tooLong = await db.listen(long, () => undefined).catch((e: unknown) => e);
        expect(tooLong).to.have.property('code', 'UNIPOOL_INVALID_ARGUMENT');
        expect(await db.notify(long, 'x').catch((e: unknown) => e)).to.have.property('code', 'UNIPOOL_INVALID_ARGUMENT');
        expect(await db.listen('ok', 'nope' as never).catch((e: unknown) => e)).to.have.property('code', 'UNIPOOL_INVALID_ARGUMENT');
      });

      it('closes the listening connection with dbs.close()', async () => {
        const { db: observer } = openDatabase(engine);
        const appName = `unipool-listen-${randomUUID().slice(0, 8)}`;
        const { dbs, db } = openDatabase(engine, { options: { application_name: appName } });
        await db.listen(channelName(), () => undefined);
        const count = async (): Promise<number> => Number((await observer.query('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [appName])).rows[0]?.['n']);
        expect(await count()).to.equal(1);
        await dbs.close();
        for (let i = 0; i < 100 && (await count()) > 0; i++) await observer.query('SELECT pg_sleep(0.02)');
        expect(await count()).to.equal(0);
      });
    } else {
      it('has no notifications: listen() and notify() reject with UNIPOOL_UNSUPPORTED', async () => {
        const { db } = openDatabase(engine);
        expect(db.capabilities.notifications).to.equal(false);
        const listened = await db.listen('orders', () => undefined).catch((e: unknown) => e);
        expect(listened).to.have.property('code', 'UNIPOOL_UNSUPPORTED');
        expect((listened as Error).message).to.include('only PostgreSQL supports LISTEN/NOTIFY');
        expect(await db.notify('orders', 'x').catch((e: unknown) => e)).to.have.property('code', 'UNIPOOL_UNSUPPORTED');
        expect(db.stats().created).to.equal(0);
      });
    }
  });
}
