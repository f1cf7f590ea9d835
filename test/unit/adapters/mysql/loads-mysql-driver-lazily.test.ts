import { expect } from 'chai';
import { checkMysqlOptions, createMysqlAdapter, createMysqlDriverLoader, mysqlCapabilities } from '../../../../adapters/mysql/index.js';
import { redact } from '../../../../adapters/mysql/connect-mysql.js';
import { quoteIdentifier, quoteSettingValue } from '../../../../adapters/mysql/quote-mysql.js';
import { UnipoolError } from '../../../../src/errors.js';
import { withDocsLink } from '../../../support/docs-link.js';

const notFound = (): Promise<never> => Promise.reject(Object.assign(new Error("Cannot find package 'mysql2'"), { code: 'ERR_MODULE_NOT_FOUND' }));

describe('mysql adapter: loading mysql2', () => {
  it('turns a missing package into UNIPOOL_DRIVER_MISSING with the install command', async () => {
    const error = await createMysqlDriverLoader(notFound)().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(UnipoolError);
    expect(error).to.have.property('code', 'UNIPOOL_DRIVER_MISSING');
    expect((error as Error).message).to.equal(withDocsLink('UNIPOOL_DRIVER_MISSING', 'engine "mysql" needs the package "mysql2": npm install mysql2'));
    expect((error as Error).cause).to.have.property('code', 'ERR_MODULE_NOT_FOUND');
  });

  it('reports a package that fails to load for another reason with its own message', async () => {
    const error = await createMysqlDriverLoader(() => Promise.reject(new Error('boom')))().catch((e: unknown) => e);
    expect(error).to.have.property('code', 'UNIPOOL_DRIVER_MISSING');
    expect((error as Error).message).to.equal(withDocsLink('UNIPOOL_DRIVER_MISSING', 'engine "mysql": loading the package "mysql2" failed: boom'));
  });

  it('imports once, and tries again after a failure', async () => {
    let calls = 0;
    const driver = { createConnection: () => undefined };
    const loader = createMysqlDriverLoader(() => {
      calls += 1;
      return calls === 1 ? notFound() : Promise.resolve({ default: driver });
    });
    await loader().catch(() => undefined);
    expect(await loader()).to.equal(driver);
    expect(await loader()).to.equal(driver);
    expect(calls).to.equal(2);
  });

  it('makes connect() reject with the install hint when mysql2 is missing', async () => {
    const adapter = createMysqlAdapter({ loadDriver: createMysqlDriverLoader(notFound) });
    const error = await adapter.connect({ options: {} }, { timeoutMs: 100, onBroken: () => undefined }).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'UNIPOOL_DRIVER_MISSING');
  });

  it('does not import mysql2 before the first connect', () => {
    let calls = 0;
    createMysqlAdapter({
      loadDriver: () => {
        calls += 1;
        return notFound();
      },
    });
    expect(calls).to.equal(0);
  });
});

describe('mysql adapter: options, quoting and capabilities', () => {
  it('refuses options that change the shape of results', () => {
    expect(() => checkMysqlOptions({ rowsAsArray: true })).to.throw(UnipoolError, 'mysql: options.rowsAsArray = true is not supported: rows are objects keyed by column name on every engine. Remove it from options.');
    expect(() => checkMysqlOptions({ nestTables: '_' })).to.throw(UnipoolError, /options\.nestTables = "_"/);
    expect(() => checkMysqlOptions({ multipleStatements: false, charset: 'utf8mb4', timezone: 'Z' })).not.to.throw();
  });

  it('quotes identifiers with backticks, doubling embedded ones', () => {
    expect(quoteIdentifier('sp1')).to.equal('`sp1`');
    expect(quoteIdentifier('a`b')).to.equal('`a``b`');
    expect(() => quoteIdentifier('')).to.throw(UnipoolError);
  });

  it('restores only plain-word session settings', () => {
    expect(quoteSettingValue('STRICT_TRANS_TABLES,IGNORE_SPACE')).to.equal("'STRICT_TRANS_TABLES,IGNORE_SPACE'");
    expect(() => quoteSettingValue("x'; DROP TABLE t; --")).to.throw(UnipoolError);
  });

  it('removes the password from any text', () => {
    expect(redact('user x with s3cr3t-P@ss failed, s3cr3t-P@ss', 's3cr3t-P@ss')).to.equal('user x with *** failed, ***');
    expect(redact('nothing to hide', undefined)).to.equal('nothing to hide');
  });

  it('declares what MySQL/MariaDB support', () => {
    expect(mysqlCapabilities.isolationLevels).to.deep.equal(['read uncommitted', 'read committed', 'repeatable read', 'serializable']);
    expect(mysqlCapabilities).to.include({
      savepoints: true,
      readOnlyTransactions: true,
      serverSideCursors: false,
      sessionReset: 'COM_RESET_CONNECTION',
      notifications: false,
      placeholders: '?',
      namedParameters: true,
      maxIdentifierLength: 64,
      transactionStateAccuracy: 'exact',
    });
    expect(Object.isFrozen(mysqlCapabilities)).to.equal(true);
  });
});
