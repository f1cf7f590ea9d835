import { expect } from 'chai';
import { inspect } from 'node:util';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { validateConfig } from '../../../src/config/validate-config.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nTOP-SECRET-KEY-MATERIAL\n-----END PRIVATE KEY-----\n';

function sslOf(db: Record<string, unknown>): unknown {
  const [resolved] = resolveConfig({ default: db as never });
  return resolved?.connection.ssl;
}

function issuesOf(db: Record<string, unknown>): { path: string; message: string }[] {
  return validateConfig({ default: db }).issues.map((issue) => ({ path: issue.path, message: issue.message }));
}

describe('ssl: libpq modes on every server engine', () => {
  for (const engine of ['postgres', 'mysql', 'oracle'] as const) {
    it(`${engine}: true is verify-full, false and no ssl are disable`, () => {
      expect(sslOf({ engine, host: 'db', ssl: true })).to.deep.equal({ mode: 'verify-full' });
      expect(sslOf({ engine, host: 'db', ssl: false })).to.deep.equal({ mode: 'disable' });
      expect(sslOf({ engine, host: 'db' })).to.deep.equal({ mode: 'disable' });
    });
  }

  it('keeps a mode with its PEM fields, frozen, the private key hidden like a password', () => {
    const ssl = sslOf({ engine: 'postgres', host: 'db', ssl: { mode: 'verify-ca', ca: PEM, cert: PEM, key: KEY } }) as { key?: string };
    expect(ssl).to.deep.equal({ mode: 'verify-ca', ca: PEM, cert: PEM });
    expect(ssl.key).to.equal(KEY);
    expect(JSON.stringify(ssl) + inspect(ssl)).to.not.include('TOP-SECRET');
    expect(Object.isFrozen(ssl)).to.equal(true);
  });

  it('passes an object without mode on as the driver\'s own TLS options (the older form)', () => {
    expect(sslOf({ engine: 'mysql', host: 'db', ssl: { rejectUnauthorized: false, minVersion: 'TLSv1.3' } })).to.deep.equal({ rejectUnauthorized: false, minVersion: 'TLSv1.3' });
  });

  it('refuses prefer and allow with a hint, and a string in place of an object', () => {
    expect(issuesOf({ engine: 'postgres', host: 'db', ssl: { mode: 'prefer' } })).to.deep.equal([
      {
        path: 'databases.default.ssl.mode',
        message: 'must be one of "disable", "require", "verify-ca", "verify-full", got "prefer" — "prefer" and "allow" (TLS only when the server offers it) are not supported: choose "require" or a verify mode for TLS, or "disable"',
      },
    ]);
    expect(issuesOf({ engine: 'postgres', host: 'db', ssl: 'verify-full' })).to.deep.equal([
      { path: 'databases.default.ssl', message: 'must be a boolean or an object, got "verify-full" — write a mode as { "mode": "require" } (modes: disable, require, verify-ca, verify-full)' },
    ]);
  });

  it('refuses driver options next to a mode, and PEM fields that are not text', () => {
    const issues = issuesOf({ engine: 'postgres', host: 'db', ssl: { mode: 'verify-full', rejectUnauthorized: false, ca: 42 } });
    expect(issues.map((issue) => issue.path)).to.have.members(['databases.default.ssl.rejectUnauthorized', 'databases.default.ssl.ca']);
    expect(issues.find((issue) => issue.path.endsWith('rejectUnauthorized'))?.message).to.match(/^unknown option "rejectUnauthorized"/);
  });

  it('refuses contradictions: require with a ca (never checked), disable with certificates (never sent)', () => {
    expect(issuesOf({ engine: 'mysql', host: 'db', ssl: { mode: 'require', ca: PEM } })).to.deep.equal([
      { path: 'databases.default.ssl.ca', message: 'is not checked with mode "require" — use mode "verify-ca" (or "verify-full") to check the server certificate against it, or remove "ca"' },
    ]);
    expect(issuesOf({ engine: 'postgres', host: 'db', ssl: { mode: 'disable', cert: PEM, key: KEY } })).to.deep.equal([
      { path: 'databases.default.ssl', message: 'mode "disable" uses no TLS, so "cert", "key" would be ignored — remove them, or choose another mode' },
    ]);
  });

  it('oracle: refuses require (Thin always checks the chain) and PEM fields (Thin reads a wallet)', () => {
    expect(issuesOf({ engine: 'oracle', host: 'ora', database: 'svc', ssl: { mode: 'require' } })).to.deep.equal([
      { path: 'databases.default.ssl', message: 'mode "require" is not supported by oracledb Thin, which always checks the certificate chain — use "verify-ca" (chain only) or "verify-full"' },
    ]);
    expect(issuesOf({ engine: 'oracle', host: 'ora', database: 'svc', ssl: { mode: 'verify-full', ca: PEM } })).to.deep.equal([
      { path: 'databases.default.ssl', message: '"ca" not supported by oracledb Thin — put the certificates in a PEM wallet and set options.walletLocation (or options.walletContent)' },
    ]);
    expect(issuesOf({ engine: 'oracle', url: 'oracle://u@ora/svc?sslmode=require' })).to.deep.equal([
      { path: 'databases.default.url', message: 'sslmode: mode "require" is not supported by oracledb Thin, which always checks the certificate chain — use "verify-ca" (chain only) or "verify-full"' },
    ]);
  });

  it('mysql: refuses verify-full with an IP address (mysql2 cannot check one), not with a host name', () => {
    expect(issuesOf({ engine: 'mysql', host: '10.0.0.7', ssl: { mode: 'verify-full' } })).to.deep.equal([
      { path: 'databases.default.ssl', message: 'mode "verify-full" needs a host name with mysql2, which cannot check a certificate against an IP address — connect by the name in the server certificate, or use "verify-ca" (chain only)' },
    ]);
    expect(issuesOf({ engine: 'mysql', url: 'mysql://u@[::1]/app?ssl-mode=VERIFY_IDENTITY' }).map((issue) => issue.path)).to.deep.equal(['databases.default.url']);
    expect(issuesOf({ engine: 'mysql', host: 'db.example.com', ssl: true })).to.deep.equal([]);
    expect(issuesOf({ engine: 'postgres', host: '10.0.0.7', ssl: true })).to.deep.equal([]);
    // Every host of a multi-host database is checked, not just the first.
    expect(issuesOf({ engine: 'mysql', hosts: [{ host: 'db1.example.com' }, { host: '10.0.0.8' }], ssl: { mode: 'verify-full' } }).map((issue) => issue.path)).to.deep.equal(['databases.default.ssl']);
    expect(issuesOf({ engine: 'mysql', url: 'mysql://u@db1.example.com,10.0.0.8/app', ssl: { mode: 'verify-full' } }).map((issue) => issue.path)).to.deep.equal(['databases.default.ssl']);
    expect(issuesOf({ engine: 'mysql', hosts: [{ host: 'db1.example.com' }, { host: 'db2.example.com' }], ssl: { mode: 'verify-full' } })).to.deep.equal([]);
  });

  it('checks a mode given as JSON in a URL (?ssl={…}) like one in the config', () => {
    expect(issuesOf({ engine: 'mysql', url: 'mysql://u@db/app?ssl={"mode":"prefer"}' })[0]?.path).to.equal('databases.default.url');
    const [db] = resolveConfig({ default: { engine: 'mysql', url: 'mysql://u@db/app?ssl={"mode":"verify-ca"}' } });
    expect(db?.connection.ssl).to.deep.equal({ mode: 'verify-ca' });
  });

  it('never prints a private key, even when it has the wrong type', () => {
    const secret = { material: 'TOP-SECRET-KEY-MATERIAL' };
    const text = JSON.stringify(issuesOf({ engine: 'postgres', host: 'db', ssl: { mode: 'verify-full', key: secret } }));
    expect(text).to.not.include('TOP-SECRET');
    expect(text).to.include('databases.default.ssl.key');
  });

  it('sqlite: ssl stays refused', () => {
    expect(issuesOf({ engine: 'sqlite', database: ':memory:', ssl: { mode: 'require' } }).map((issue) => issue.path)).to.deep.equal(['databases.default.ssl']);
  });
});
