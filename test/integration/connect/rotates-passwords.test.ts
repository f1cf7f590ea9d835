import { expect } from 'chai';
import { createDatabases, type Database } from '../../../src/index.js';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-servers.js';

/** A unique role/user name: several suites share the MariaDB server. */
const USER = `tls_rotator_${process.pid}`;
const FIRST = 'first-Secret-1';
const SECOND = 'second-Secret-2';
/** pool.maxLifetimeMs of the rotating pool (the pool adds a little jitter). */
const LIFETIME_MS = 1500;

interface RotationTarget {
  /** Connection fields for `USER` (no password). */
  fields(): Record<string, unknown>;
  /** Runs administrative SQL as a superuser. */
  admin(sql: string): Promise<void>;
  /** SQL that changes `USER`'s password. */
  changePassword(password: string): string;
  /** A query returning the server's id of the connection (column `id`). */
  readonly backendId: string;
}

describe('password as a function: rotated secrets reach new connections, open ones carry on', function () {
  this.timeout(120_000);
  let privatePg: PrivatePostgres | undefined;
  let adminDbs: { close(options?: { timeoutMs?: number }): Promise<void> } | undefined;
  const opened: { close(options?: { timeoutMs?: number }): Promise<void> }[] = [];
  const targets = new Map<string, RotationTarget>();

  before(async () => {
    // The shared PostgreSQL trusts 127.0.0.1, where a wrong password would still connect: a
    // private one checks passwords (SCRAM) for TCP connections, except the superuser's.
    privatePg = await startPrivatePostgres({ hba: ['local all all trust', 'host all postgres 127.0.0.1/32 trust', 'host all all 127.0.0.1/32 scram-sha-256'] });
    const pgPort = privatePg.port;
    const admin = createDatabases({
      default: { engine: 'postgres', host: '127.0.0.1', port: pgPort, user: 'postgres', database: 'postgres' },
      maria: { engine: 'mysql', host: '127.0.0.1', port: 3306, user: 'root', database: 'test' },
    } as never) as unknown as { default: Database; maria: Database; close(options?: { timeoutMs?: number }): Promise<void> };
    adminDbs = admin;
    targets.set('postgres', {
      fields: () => ({ engine: 'postgres', host: '127.0.0.1', port: pgPort, user: USER, database: 'postgres' }),
      admin: async (sql) => void (await admin.default.query(sql)),
      changePassword: (password) => `ALTER ROLE ${USER} PASSWORD '${password}'`,
      backendId: 'SELECT pg_backend_pid() AS id',
    });
    targets.set('mysql', {
      // No database: the user has no grant on any (USAGE only), which is all a password test needs.
      fields: () => ({ engine: 'mysql', host: '127.0.0.1', port: 3306, user: USER }),
      admin: async (sql) => void (await admin.maria.query(sql)),
      changePassword: (password) => `ALTER USER '${USER}'@'127.0.0.1' IDENTIFIED BY '${password}'`,
      backendId: 'SELECT CONNECTION_ID() AS id',
    });
    await admin.default.query(`CREATE ROLE ${USER} LOGIN PASSWORD '${FIRST}'`);
    await admin.maria.query(`DROP USER IF EXISTS '${USER}'@'127.0.0.1'`);
    await admin.maria.query(`CREATE USER '${USER}'@'127.0.0.1' IDENTIFIED BY '${FIRST}'`);
    await admin.maria.query(`GRANT USAGE ON *.* TO '${USER}'@'127.0.0.1'`);
  });

  after(async () => {
    try {
      await Promise.all(opened.splice(0).map((dbs) => dbs.close({ timeoutMs: 2000 })));
      await targets.get('mysql')?.admin(`DROP USER IF EXISTS '${USER}'@'127.0.0.1'`);
    } finally {
      await adminDbs?.close({ timeoutMs: 2000 });
      await privatePg?.destroy();
    }
  });

  function open(config: Record<string, unknown>, pool: Record<string, unknown> = {}): Database {
    const dbs = createDatabases({ default: { ...config, pool: { max: 4, acquireTimeoutMs: 30_000, ...pool } } } as never);
    opened.push(dbs);
    return (dbs as unknown as { default: Database }).default;
  }

  for (const engine of ['postgres', 'mysql']) {
    it(`${engine}: each new connection gets the function's current password; a connection opened before the change keeps working until maxLifetimeMs retires it`, async () => {
      const target = targets.get(engine);
      if (target === undefined) throw new Error(`no ${engine} target`);
      await target.admin(target.changePassword(FIRST));
      let current = FIRST;
      let calls = 0;
      const db = open(
        {
          ...target.fields(),
          password: async () => {
            calls += 1;
            return Promise.resolve(current);
          },
        },
        // Short enough to see the old connection retired in the test; it is never retired while held.
        { maxLifetimeMs: LIFETIME_MS },
      );
      const idOf = async (): Promise<number> => Number((((await db.query(target.backendId)).rows[0]) as { id: unknown }).id);

      let releaseOld!: () => void;
      const oldHeld = new Promise<void>((resolve) => (releaseOld = resolve));
      let oldId = 0;
      let oldReady!: () => void;
      const oldOpened = new Promise<void>((resolve) => (oldReady = resolve));
      // The old connection: held by a session across the rotation.
      const oldSession = db.session(async () => {
        oldId = await idOf();
        oldReady();
        await oldHeld;
        expect(await idOf(), 'still the connection opened with the old password').to.equal(oldId);
      });
      // A session that fails (e.g. the first connect) must fail the test, not leave it waiting.
      await Promise.race([oldOpened, oldSession.then(() => Promise.reject(new Error('the session ended before the rotation')))]);
      expect(calls).to.equal(1);

      await target.admin(target.changePassword(SECOND));
      current = SECOND;
      // The old password no longer opens a connection (so this test can tell the two apart).
      const stale = await open({ ...target.fields(), password: FIRST }).query('SELECT 1').then(() => undefined, (error: unknown) => error as { code?: string });
      expect(stale?.code).to.equal('UNIPOOL_CONNECT_FAILED');

      // The old connection is busy, so this opens a new one: with the new password.
      const newId = await db.session(idOf);
      expect(newId).to.not.equal(oldId);
      expect(calls).to.equal(2);
      releaseOld();
      await oldSession;

      // Once past maxLifetimeMs the old connection is retired, not lent out: work goes on over
      // connections opened with the new password.
      await new Promise((resolve) => setTimeout(resolve, LIFETIME_MS * 2));
      const laterIds = await Promise.all([db.session(idOf), db.session(idOf)]);
      expect(laterIds).to.not.include(oldId);
      expect(calls).to.be.at.least(3);
    });

    it(`${engine}: a password function that rejects fails every waiting caller at once with its error as cause`, async () => {
      const target = targets.get(engine);
      if (target === undefined) throw new Error(`no ${engine} target`);
      const cause = new Error('secret store unavailable');
      const db = open({ ...target.fields(), password: () => Promise.reject(cause) });
      const startedAt = performance.now();
      const errors = await Promise.all([1, 2, 3].map(() => db.query('SELECT 1').then(() => undefined, (error: unknown) => error as Error & { code?: string })));
      const elapsedMs = performance.now() - startedAt;
      expect(errors.map((error) => error?.code)).to.deep.equal(['UNIPOOL_CONNECT_FAILED', 'UNIPOOL_CONNECT_FAILED', 'UNIPOOL_CONNECT_FAILED']);
      expect(errors[0]?.cause).to.equal(cause);
      // Far below acquireTimeoutMs (30 s): answered by the failure, not by a timeout.
      expect(elapsedMs).to.be.below(10_000);
      expect(db.stats().timeouts).to.equal(0);
    });
  }
});
