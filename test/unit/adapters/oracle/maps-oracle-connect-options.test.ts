import { expect } from 'chai';
import type { ConnectionSettings } from '../../../../src/adapter.js';
import { UnipoolError } from '../../../../src/errors.js';
import { connectWithCurrentPassword } from '../../../../src/connect-with-password.js';
import { resolveConfig } from '../../../../src/config/resolve-config.js';
import { createOracleAdapter, createOracleDriverLoader, oracleConnectOptions } from '../../../../adapters/oracle/index.js';
import { FakeOracledb, oracleError } from '../../../support/fake-oracledb.js';
import { withDocsLink } from '../../../support/docs-link.js';

const PASSWORD = 's3cr3t-P@ss';

function settings(fields: Partial<Omit<ConnectionSettings, 'password'>> = {}): ConnectionSettings {
  const value = { host: 'db.example.com', port: 1521, database: 'FREEPDB1', user: 'app', options: {}, ...fields };
  Object.defineProperty(value, 'password', { value: PASSWORD, enumerable: false });
  return value as ConnectionSettings;
}

function adapterWith(fake: FakeOracledb) {
  return createOracleAdapter({ loadDriver: async () => fake });
}

const context = { timeoutMs: 1500, onBroken: () => undefined };

/** Everything an error could show when logged: message, stack, and the same of its cause. */
function printed(error: Error): string {
  const cause = error.cause as Error | undefined;
  return [error.message, error.stack, cause?.message, cause?.stack, JSON.stringify(error)].join('\n');
}

describe('oracle adapter: connect options', () => {
  it('builds an Easy Connect string host:port/service and passes user and password', async () => {
    const fake = new FakeOracledb();
    await adapterWith(fake).connect(settings(), context);
    expect(fake.connectOptions).to.have.length(1);
    expect(fake.connectOptions[0]).to.include({ user: 'app', password: PASSWORD, connectString: 'db.example.com:1521/FREEPDB1' });
  });

  it('passes statementCacheSize as stmtCacheSize (0 turns it off), and leaves oracledb its default when unset', async () => {
    const fake = new FakeOracledb();
    await adapterWith(fake).connect(settings(), { ...context, statementCacheSize: 0 });
    await adapterWith(fake).connect(settings(), { ...context, statementCacheSize: 50 });
    await adapterWith(fake).connect(settings(), context);
    expect(fake.connectOptions[0]).to.include({ stmtCacheSize: 0 });
    expect(fake.connectOptions[1]).to.include({ stmtCacheSize: 50 });
    expect(fake.connectOptions[2]).to.not.have.property('stmtCacheSize');
  });

  it('converts connectTimeoutMs to whole seconds, rounding up, for connectTimeout and transportConnectTimeout', () => {
    expect(oracleConnectOptions(settings(), 1500)).to.include({ connectTimeout: 2, transportConnectTimeout: 2 });
    expect(oracleConnectOptions(settings(), 10_000)).to.include({ connectTimeout: 10 });
    expect(oracleConnectOptions(settings(), 100)).to.include({ connectTimeout: 1 });
  });

  it('uses options.connectString as given, and passes the other options through', () => {
    const options = oracleConnectOptions(settings({ options: { connectString: 'sales_alias', stmtCacheSize: 40 } }), 5000);
    expect(options).to.include({ connectString: 'sales_alias', stmtCacheSize: 40 });
  });

  it('selects TCPS for a TLS mode, checking the host name only with verify-full (sslServerDNMatch)', () => {
    expect(oracleConnectOptions(settings({ ssl: { mode: 'verify-full' }, port: undefined }), 5000)).to.include({ connectString: 'tcps://db.example.com:2484/FREEPDB1', sslServerDNMatch: true });
    expect(oracleConnectOptions(settings({ ssl: { mode: 'verify-ca' } }), 5000)).to.include({ connectString: 'tcps://db.example.com:1521/FREEPDB1', sslServerDNMatch: false });
    const plain = oracleConnectOptions(settings({ ssl: { mode: 'disable' } }), 5000);
    expect(plain).to.include({ connectString: 'db.example.com:1521/FREEPDB1' });
    expect(plain).to.not.have.property('sslServerDNMatch');
  });

  it('refuses mode "require" (Thin always checks the chain) as UNIPOOL_UNSUPPORTED', () => {
    expect(() => oracleConnectOptions(settings({ ssl: { mode: 'require' } }), 5000)).to.throw(UnipoolError).with.property('code', 'UNIPOOL_UNSUPPORTED');
  });

  it('passes an older-form ssl object (no mode) as connection attributes, with TCPS', () => {
    expect(oracleConnectOptions(settings({ ssl: { sslServerCertDN: 'CN=db' } }), 5000)).to.include({ connectString: 'tcps://db.example.com:1521/FREEPDB1', sslServerCertDN: 'CN=db' });
  });

  it('connects over TCPS with the mode from the URL and the password function\'s current value (fake oracledb)', async () => {
    const fake = new FakeOracledb();
    let token = 'token-1';
    const [db] = resolveConfig({ default: { engine: 'oracle', url: 'oracle://app@ora.example.com:2484/svc?ssl_server_dn_match=yes', password: () => token } });
    const connection = db?.connection as ConnectionSettings;
    await connectWithCurrentPassword(adapterWith(fake), connection, context);
    token = 'token-2';
    await connectWithCurrentPassword(adapterWith(fake), connection, context);
    expect(fake.connectOptions.map((o) => [o['connectString'], o['sslServerDNMatch'], o['password']])).to.deep.equal([
      ['tcps://ora.example.com:2484/svc', true, 'token-1'],
      ['tcps://ora.example.com:2484/svc', true, 'token-2'],
    ]);
  });

  it('classifies certificate failures (NJS-505/507/508, NJS-506 about a certificate) as permanent, a cut handshake as transient', () => {
    const adapter = adapterWith(new FakeOracledb());
    expect(adapter.connectFailureKind(oracleError('NJS-508', 'TLS detected an invalid certificate. db not present in certificate'))).to.equal('permanent');
    expect(adapter.connectFailureKind(oracleError('NJS-506', 'connection to host db port 2484 encountered TLS handshake failure.\nself-signed certificate in certificate chain'))).to.equal('permanent');
    expect(adapter.connectFailureKind(oracleError('NJS-506', 'connection to host db port 2484 encountered TLS handshake failure.\nsocket hang up'))).to.equal('transient');
  });

  it('brackets an IPv6 host and defaults the port to 1521', () => {
    expect(oracleConnectOptions(settings({ host: '::1', port: undefined }), 5000)).to.include({ connectString: '[::1]:1521/FREEPDB1' });
  });

  it('takes the database as a TNS alias when there is no host', () => {
    expect(oracleConnectOptions(settings({ host: undefined, database: 'SALES' }), 5000)).to.include({ connectString: 'SALES' });
  });

  it('refuses settings with neither host, database nor connectString', () => {
    expect(() => oracleConnectOptions(settings({ host: undefined, database: undefined }), 5000)).to.throw(
      UnipoolError,
      'oracle: no connect string: set host (and database = the service name), or options.connectString (a TNS alias, an Easy Connect string or a connect descriptor).',
    );
  });
});

describe('oracle adapter: connect failures', () => {
  it('turns a driver connect timeout into UNIPOOL_CONNECT_TIMEOUT', async () => {
    const fake = new FakeOracledb();
    fake.connectError = oracleError('NJS-510', 'connection to host db.example.com port 1521 timed out. Request exceeded "connectTimeout" of 2 seconds.');
    const error = await adapterWith(fake).connect(settings(), context).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'UNIPOOL_CONNECT_TIMEOUT');
    expect((error as Error).message).to.equal(
      withDocsLink('UNIPOOL_CONNECT_TIMEOUT', 'oracle: connecting to db.example.com:1521/FREEPDB1 (user "app") took longer than connectTimeoutMs (1500 ms; oracledb counts whole seconds: 2 s). Check that the host and port are right and reachable (firewall, VPN), or raise pool.connectTimeoutMs.'),
    );
    expect((error as Error).cause).to.equal(fake.connectError);
  });

  it('turns a refused login into UNIPOOL_CONNECT_FAILED with a hint, never showing the password', async () => {
    const fake = new FakeOracledb();
    fake.connectError = oracleError('ORA-01017', 'invalid credential or not authorized; logon denied\nHelp: https://docs.oracle.com/error-help/db/ora-01017/');
    const error = (await adapterWith(fake).connect(settings(), context).catch((e: unknown) => e)) as Error;
    expect(error).to.have.property('code', 'UNIPOOL_CONNECT_FAILED');
    expect(error.message).to.equal(
      withDocsLink('UNIPOOL_CONNECT_FAILED', 'oracle: could not connect to db.example.com:1521/FREEPDB1 (user "app"): ORA-01017: invalid credential or not authorized; logon denied. Check the user and password.'),
    );
    expect(printed(error)).not.to.contain(PASSWORD);
  });

  it('redacts the password even when a driver message echoes it', async () => {
    const fake = new FakeOracledb();
    fake.connectError = oracleError('NJS-515', `error in Easy Connect string: app/${PASSWORD}@db`);
    const error = (await adapterWith(fake).connect(settings(), context).catch((e: unknown) => e)) as Error;
    expect(error.message).to.contain('app/***@db');
    expect(error.message).not.to.contain(PASSWORD);
  });

  it('turns a missing oracledb package into UNIPOOL_DRIVER_MISSING with the install command', async () => {
    const missing = () => Promise.reject(Object.assign(new Error("Cannot find package 'oracledb'"), { code: 'ERR_MODULE_NOT_FOUND' }));
    const adapter = createOracleAdapter({ loadDriver: createOracleDriverLoader(missing) });
    const error = await adapter.connect(settings(), context).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'UNIPOOL_DRIVER_MISSING');
    expect((error as Error).message).to.equal(withDocsLink('UNIPOOL_DRIVER_MISSING', 'engine "oracle" needs the package "oracledb": npm install oracledb'));
  });

  it('imports oracledb once, and only when the first connection opens', async () => {
    let calls = 0;
    const fake = new FakeOracledb();
    const adapter = createOracleAdapter({
      loadDriver: createOracleDriverLoader(async () => {
        calls += 1;
        return { default: fake };
      }),
    });
    expect(calls).to.equal(0);
    await adapter.connect(settings(), context);
    await adapter.connect(settings(), context);
    expect(calls).to.equal(1);
    expect(fake.connections).to.have.length(2);
  });
});
