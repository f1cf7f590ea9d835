import { expect } from 'chai';
import type { Engine } from '../../../src/adapter.js';
import { adapters } from '../../../src/engines.js';
import { createDatabases, type Database } from '../../../src/index.js';
import { startPrivateMariadb, startPrivatePostgres, type PrivateServer } from '../../support/private-servers.js';
import { CLIENT_CERT_USER, createTestCertificates, type TestCertificates } from '../../support/test-certificates.js';

/** Far below the acquire timeout, far above an honest answer: a bound, not a timing measurement. */
const ACQUIRE_TIMEOUT_MS = 30_000;
const ANSWER_BOUND_MS = 10_000;
const BURST = 5;

/** What differs between the two TLS-only servers under test. */
interface TlsServer {
  readonly engine: Extract<Engine, 'postgres' | 'mysql'>;
  /** The connection fields, without host and ssl. */
  readonly fields: Record<string, unknown>;
  /** A query whose single row's `tls` column is the cipher (or true) when the server sees TLS on this connection. */
  readonly tlsQuery: string;
  /** What the server says when a plain-text connection is refused. */
  readonly plainRefusal: RegExp;
  /**
   * A host that reaches the server by a name its certificate does not list. PostgreSQL: 127.0.0.1
   * (pg checks an IP against the certificate's IP entries). mysql2 cannot check an IP (the config
   * refuses verify-full with one), so "127.1": a name to TLS, 127.0.0.1 to the resolver.
   */
  readonly wrongHost: string;
}

describe('ssl modes against TLS-only servers (private PostgreSQL and MariaDB, test certificates for "localhost")', function () {
  this.timeout(120_000);
  let certs: TestCertificates | undefined;
  const servers: PrivateServer[] = [];
  const targets = new Map<string, TlsServer>();
  const opened: { close(options?: { timeoutMs?: number }): Promise<void> }[] = [];
  const measured: string[] = [];

  before(async () => {
    certs = createTestCertificates();
    const postgres = await startPrivatePostgres({
      files: { 'server.crt': certs.serverCert, 'server.key': certs.serverKey, 'root.crt': certs.ca },
      settings: { ssl: 'on', ssl_cert_file: 'server.crt', ssl_key_file: 'server.key', ssl_ca_file: 'root.crt' },
      // TCP only with TLS: a plain-text connection gets "no pg_hba.conf entry … no encryption".
      // CLIENT_CERT_USER logs in with a client certificate only (mutual TLS).
      hba: ['local all all trust', `hostssl all ${CLIENT_CERT_USER} 127.0.0.1/32 cert`, 'hostssl all all 127.0.0.1/32 trust'],
    });
    const admin = createDatabases({ default: { engine: 'postgres', host: 'localhost', port: postgres.port, user: 'postgres', database: 'postgres', ssl: { mode: 'require' } } });
    try {
      await admin.default.query(`CREATE ROLE ${CLIENT_CERT_USER} LOGIN`);
    } finally {
      await admin.close();
    }
    servers.push(postgres);
    targets.set('postgres', {
      engine: 'postgres',
      fields: { port: postgres.port, user: 'postgres', database: 'postgres' },
      tlsQuery: 'SELECT ssl AS tls FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      plainRefusal: /no pg_hba\.conf entry .*no encryption/,
      wrongHost: '127.0.0.1',
    });
    const mariadb = await startPrivateMariadb({ args: [`--ssl-ca=${certs.caFile}`, `--ssl-cert=${certs.serverCertFile}`, `--ssl-key=${certs.serverKeyFile}`, '--require-secure-transport=ON'] });
    servers.push(mariadb);
    targets.set('mysql', {
      engine: 'mysql',
      fields: { port: mariadb.port, user: 'root', database: 'mysql' },
      tlsQuery: "SELECT VARIABLE_VALUE AS tls FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_CIPHER'",
      // MariaDB answers require_secure_transport with "access denied" (1045); MySQL with 3159.
      plainRefusal: /Access denied for user 'root'@'localhost' \(using password: NO\)|secure transport/,
      wrongHost: '127.1',
    });
  });

  after(async () => {
    try {
      await Promise.all(opened.splice(0).map((dbs) => dbs.close({ timeoutMs: 2000 })));
      await Promise.all(servers.splice(0).map((server) => server.destroy()));
    } finally {
      certs?.remove();
      if (measured.length > 0) console.log(`      measured (time to reject ${BURST} waiting callers): ${measured.join('; ')}`);
    }
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((dbs) => dbs.close({ timeoutMs: 2000 })));
  });

  function open(engine: string, host: string, ssl: unknown, fields: Record<string, unknown> = {}): Database {
    const target = targets.get(engine);
    if (target === undefined) throw new Error(`no ${engine} server`);
    const dbs = createDatabases({ default: { engine: target.engine, host, ...target.fields, ...fields, ssl, pool: { max: 2, acquireTimeoutMs: ACQUIRE_TIMEOUT_MS } } } as never);
    opened.push(dbs);
    return (dbs as unknown as { default: Database }).default;
  }

  async function expectTls(engine: string, db: Database): Promise<void> {
    const { rows } = await db.query(targets.get(engine)?.tlsQuery ?? '');
    const tls = (rows[0] as { tls?: unknown } | undefined)?.tls;
    expect(tls, 'the server sees TLS on this connection').to.satisfy((value: unknown) => value === true || (typeof value === 'string' && value !== ''));
  }

  /** Every caller of a burst gets UNIPOOL_CONNECT_FAILED, classified permanent, well before acquireTimeoutMs. */
  async function expectFastRefusal(engine: string, db: Database, label: string): Promise<Error> {
    const startedAt = performance.now();
    const outcomes = await Promise.all(Array.from({ length: BURST }, () => db.query('SELECT 1').then(() => new Error('the query succeeded'), (e: unknown) => e as Error)));
    const elapsedMs = performance.now() - startedAt;
    measured.push(`${engine} ${label} ${Math.round(elapsedMs)} ms`);
    expect(outcomes.map((e) => (e as { code?: string }).code)).to.deep.equal(Array(BURST).fill('UNIPOOL_CONNECT_FAILED'));
    expect(elapsedMs).to.be.below(ANSWER_BOUND_MS);
    const error = outcomes[0] as Error;
    expect(adapters[engine as Engine].connectFailureKind(error), 'classified as permanent (fail-fast)').to.equal('permanent');
    expect(db.stats().timeouts).to.equal(0);
    return error;
  }

  it('postgres: a client certificate (ssl.cert, ssl.key) logs in a user the server authenticates by certificate only', async () => {
    const target = targets.get('postgres');
    const dbs = createDatabases({ default: { engine: 'postgres', host: 'localhost', port: target?.fields['port'] as number, user: CLIENT_CERT_USER, database: 'postgres', ssl: { mode: 'verify-full', ca: certs?.ca, cert: certs?.clientCert, key: certs?.clientKey } } } as never);
    opened.push(dbs);
    const db = (dbs as unknown as { default: Database }).default;
    const { rows } = await db.query('SELECT current_user AS name, (SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS dn');
    expect(rows[0]).to.deep.equal({ name: CLIENT_CERT_USER, dn: `/CN=${CLIENT_CERT_USER}` });
    // Without the certificate the same user is refused at once.
    const error = await expectFastRefusal('postgres', open('postgres', 'localhost', { mode: 'verify-full', ca: certs?.ca }, { user: CLIENT_CERT_USER }), 'no client certificate');
    expect(error.message).to.match(/certificate/);
  });

  for (const engine of ['postgres', 'mysql']) {
    describe(engine, () => {
      it('verify-full with the right CA, by the certificate\'s host name: connects, and the server sees TLS', async () => {
        await expectTls(engine, open(engine, 'localhost', { mode: 'verify-full', ca: certs?.ca }));
      });

      it('verify-ca with the right CA accepts a host name the certificate does not list (127.0.0.1)', async () => {
        await expectTls(engine, open(engine, '127.0.0.1', { mode: 'verify-ca', ca: certs?.ca }));
      });

      it('require connects without any CA (the certificate is not checked)', async () => {
        await expectTls(engine, open(engine, '127.0.0.1', { mode: 'require' }));
      });

      it('verify-full with a host name the certificate does not list: UNIPOOL_CONNECT_FAILED at once', async () => {
        const error = await expectFastRefusal(engine, open(engine, targets.get(engine)?.wrongHost ?? '', { mode: 'verify-full', ca: certs?.ca }), 'wrong host');
        expect(error.message).to.match(/Hostname\/IP does not match certificate's altnames/);
      });

      it('verify-ca with an unrelated CA: UNIPOOL_CONNECT_FAILED at once', async () => {
        const error = await expectFastRefusal(engine, open(engine, 'localhost', { mode: 'verify-ca', ca: certs?.otherCa }), 'wrong CA');
        expect(error.message).to.match(/self[- ]signed certificate|unable to (verify|get)/i);
      });

      it('ssl: true (verify-full) with the system CAs refuses the test CA', async () => {
        await expectFastRefusal(engine, open(engine, 'localhost', true), 'system CAs');
      });

      it('disable against the TLS-only server: UNIPOOL_CONNECT_FAILED that says TLS is required and names ssl.mode', async () => {
        const error = await expectFastRefusal(engine, open(engine, 'localhost', { mode: 'disable' }), 'disable');
        expect(error.message).to.match(targets.get(engine)?.plainRefusal ?? /never/);
        expect(error.message).to.include('ssl.mode');
      });
    });
  }
});
