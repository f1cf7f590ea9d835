import { expect } from 'chai';
import { mysqlSslOption } from '../../../adapters/mysql/mysql-tls.js';
import { pgSslOption } from '../../../adapters/postgres/postgres-tls.js';
import type { TlsOptions } from '../../../src/tls-settings.js';

const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';
const mode = (m: TlsOptions['mode'], extra: Partial<TlsOptions> = {}): TlsOptions => Object.freeze({ mode: m, ...extra });

describe('TLS modes → driver options', () => {
  describe('pg (options for tls.connect)', () => {
    it('disable sends no TLS; require checks nothing; verify-full keeps Node\'s chain and host-name checks', () => {
      expect(pgSslOption(mode('disable'))).to.equal(false);
      expect(pgSslOption(mode('require'))).to.deep.equal({ rejectUnauthorized: false });
      expect(pgSslOption(mode('verify-full', { ca: CA }))).to.deep.equal({ ca: CA, rejectUnauthorized: true });
    });

    it('verify-ca checks the chain but not the host name', () => {
      const option = pgSslOption(mode('verify-ca', { ca: CA })) as Record<string, unknown>;
      expect(option).to.include({ ca: CA, rejectUnauthorized: true });
      expect(option['checkServerIdentity']).to.be.a('function');
      expect((option['checkServerIdentity'] as () => unknown)()).to.equal(undefined);
    });

    it('passes a hidden (non-enumerable) private key on to the driver', () => {
      const setting = Object.freeze(Object.defineProperty({ mode: 'verify-full' }, 'key', { value: 'KEY', enumerable: false })) as TlsOptions;
      expect((pgSslOption(setting) as Record<string, unknown>)['key']).to.equal('KEY');
      expect(mysqlSslOption(setting).ssl?.['key']).to.equal('KEY');
    });

    it('leaves ssl unset when there is no setting, and copies the older form (pg writes into it)', () => {
      expect(pgSslOption(undefined)).to.equal(undefined);
      const driverOptions = Object.freeze({ rejectUnauthorized: false });
      const option = pgSslOption(driverOptions);
      expect(option).to.deep.equal({ rejectUnauthorized: false });
      expect(option).to.not.equal(driverOptions);
    });
  });

  describe('mysql2', () => {
    it('maps require / verify-ca / verify-full to rejectUnauthorized and verifyIdentity', () => {
      expect(mysqlSslOption(mode('disable'))).to.deep.equal({});
      expect(mysqlSslOption(mode('require'))).to.deep.equal({ ssl: { rejectUnauthorized: false, verifyIdentity: false } });
      expect(mysqlSslOption(mode('verify-ca', { ca: CA }))).to.deep.equal({ ssl: { ca: CA, rejectUnauthorized: true, verifyIdentity: false } });
      expect(mysqlSslOption(mode('verify-full'))).to.deep.equal({ ssl: { rejectUnauthorized: true, verifyIdentity: true } });
    });

    it('gives every connection of one setting the same ssl object (mysql2 caches TLS sessions per object)', () => {
      const setting = mode('verify-full', { ca: CA });
      expect(mysqlSslOption(setting).ssl).to.equal(mysqlSslOption(setting).ssl);
      expect(mysqlSslOption(mode('verify-full', { ca: CA })).ssl).to.not.equal(mysqlSslOption(setting).ssl);
    });

    it('copies the older form', () => {
      expect(mysqlSslOption({ rejectUnauthorized: false })).to.deep.equal({ ssl: { rejectUnauthorized: false } });
    });
  });
});
