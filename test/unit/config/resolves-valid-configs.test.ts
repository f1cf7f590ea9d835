import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import type { ResolvedDatabaseConfig } from '../../../src/config/resolved-config.js';
import { validateConfig } from '../../../src/config/validate-config.js';

const dir = new URL('../../fixtures/configs/valid/', import.meta.url);
const load = (file: string): unknown => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as unknown;

/** The documented pool defaults, written out by hand so that a changed schema default fails here. */
const DESIGN_POOL_DEFAULTS = {
  min: 0,
  max: 10,
  acquireTimeoutMs: 30000,
  maxWaiting: null,
  idleTimeoutMs: 60000,
  maxLifetimeMs: 1800000,
  maxUses: 0,
  validateAfterIdleMs: 5000,
  connectTimeoutMs: 10000,
  order: 'lifo',
  leakDetectionMs: 0,
};

function byAlias(databases: readonly ResolvedDatabaseConfig[], alias: string): ResolvedDatabaseConfig {
  const db = databases.find((d) => d.alias === alias);
  if (db === undefined) throw new Error(`no ${alias}`);
  return db;
}

describe('valid configs (test/fixtures/configs/valid)', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    it(`${file} is valid`, () => {
      expect(validateConfig(load(file))).to.deep.equal({ valid: true, issues: [] });
    });
  }

  it('resolves URLs of all four engines', () => {
    const dbs = resolveConfig(load('all-engines-urls.json'));
    expect(dbs.map((db) => [db.alias, db.engine])).to.deep.equal([
      ['default', 'postgres'],
      ['reports', 'mysql'],
      ['cache', 'sqlite'],
      ['ledger', 'oracle'],
    ]);
    const pg = byAlias(dbs, 'default').connection;
    expect({ ...pg }).to.deep.equal({ host: 'db.example.com', port: 6432, database: 'app', user: 'app', ssl: { mode: 'require' }, options: { application_name: 'api' } });
    expect(pg.password).to.equal('s3cret');
    const mysql = byAlias(dbs, 'reports').connection;
    expect({ ...mysql }).to.deep.equal({ host: '10.0.0.7', port: 3306, database: 'reports', user: 'report', ssl: { mode: 'disable' }, options: { charset: 'utf8mb4', connectTimeout: 5000 } });
    expect(mysql.password).to.equal('pa@ss');
    const sqlite = byAlias(dbs, 'cache').connection;
    expect({ ...sqlite }).to.deep.equal({ database: './cache.sqlite3', options: { timeout: 2000 } });
    expect(sqlite.password).to.equal(undefined);
    const oracle = byAlias(dbs, 'ledger').connection;
    expect({ ...oracle }).to.deep.equal({ host: 'ora.example.com', port: 1522, database: 'LEDGER.example.com', user: 'ledger', ssl: { mode: 'disable' }, options: {} });
    expect(oracle.password).to.equal('s3cret');
  });

  it('resolves discrete fields of all four engines, with default ports', () => {
    const dbs = resolveConfig(load('all-engines-discrete.json'));
    expect({ ...byAlias(dbs, 'default').connection }).to.deep.equal({
      host: '127.0.0.1',
      port: 5432,
      database: 'test',
      user: 'postgres',
      ssl: { rejectUnauthorized: false },
      options: { application_name: 'api' },
    });
    expect(byAlias(dbs, 'default').connection.password).to.equal('s3cret');
    expect(byAlias(dbs, 'reports').connection.port).to.equal(3307);
    expect(byAlias(dbs, 'reports').release).to.equal('request');
    expect({ ...byAlias(dbs, 'cache').connection }).to.deep.equal({ database: './cache.sqlite3', options: { timeout: 2000 } });
    expect(byAlias(dbs, 'ledger').connection.port).to.equal(1521);
    expect(byAlias(dbs, 'ledger').connection.database).to.equal('LEDGER');
  });

  it('applies the documented pool defaults and release "asap"', () => {
    const [db] = resolveConfig({ default: { engine: 'postgres', host: 'db' } });
    expect(db?.pool).to.deep.equal(DESIGN_POOL_DEFAULTS);
    expect(db?.release).to.equal('asap');
  });

  it('keeps explicit pool values, including maxWaiting 0 and zero timeouts', () => {
    const [db] = resolveConfig(load('every-pool-option.json'));
    expect(db?.pool).to.deep.equal({
      min: 2,
      max: 20,
      acquireTimeoutMs: 5000,
      maxWaiting: 0,
      idleTimeoutMs: 0,
      maxLifetimeMs: 0,
      maxUses: 1000,
      validateAfterIdleMs: 0,
      connectTimeoutMs: 2000,
      order: 'fifo',
      leakDetectionMs: 60000,
    });
    expect(db?.connection.host).to.equal('/var/run/postgresql');
  });

  it('ignores "$schema" and accepts a password next to a URL without one', () => {
    const dbs = resolveConfig(load('with-schema-key.json'));
    expect(dbs.map((db) => db.alias)).to.deep.equal(['default']);
    expect(dbs[0]?.connection.password).to.equal('from-a-secret-store');
    expect(dbs[0]?.connection.host).to.equal('127.0.0.1');
  });

  it('deep-freezes the result', () => {
    const dbs = resolveConfig(load('all-engines-discrete.json'));
    const pg = byAlias(dbs, 'default');
    for (const part of [dbs, pg, pg.connection, pg.connection.options, pg.connection.ssl, pg.pool]) expect(Object.isFrozen(part)).to.equal(true);
    expect(() => {
      (pg.pool as { max: number }).max = 99;
    }).to.throw(TypeError);
    expect(pg.pool.max).to.equal(10);
  });

  it('never modifies or freezes the input', () => {
    const input = { default: { engine: 'postgres', url: 'postgres://db/app', options: { nested: { a: 1 } }, pool: { max: 3 } } };
    const before = structuredClone(input);
    const [db] = resolveConfig(input);
    expect(input).to.deep.equal(before);
    expect(Object.isFrozen(input.default.options.nested)).to.equal(false);
    input.default.options.nested.a = 2;
    input.default.pool.max = 7;
    expect(db?.connection.options).to.deep.equal({ nested: { a: 1 } });
    expect(db?.pool.max).to.equal(3);
  });

  it('keeps Buffers, functions and class instances in options by reference, unfrozen', () => {
    const ca = Buffer.from('-----BEGIN CERTIFICATE-----');
    const typeCast = (): string => 'x';
    const [db] = resolveConfig({ default: { engine: 'mysql', host: 'db', ssl: { ca }, options: { typeCast } } });
    const ssl = db?.connection.ssl as { ca: Buffer };
    expect(ssl.ca).to.equal(ca);
    expect(Object.isFrozen(ca)).to.equal(false);
    expect(db?.connection.options['typeCast']).to.equal(typeCast);
  });

  it('copies circular options without looping', () => {
    const options: Record<string, unknown> = { name: 'x' };
    options['self'] = options;
    const [db] = resolveConfig({ default: { engine: 'sqlite', database: 'x.db', options } });
    const copy = db?.connection.options as Record<string, unknown>;
    expect(copy['self']).to.equal(copy);
    expect(copy).to.not.equal(options);
  });

  it('keeps a "__proto__" key in options as data, without polluting prototypes', () => {
    const options = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const [db] = resolveConfig({ default: { engine: 'sqlite', database: 'x.db', options } });
    const copy = db?.connection.options as Record<string, unknown>;
    expect(Object.keys(copy)).to.deep.equal(['__proto__']);
    expect(Object.getPrototypeOf(copy)).to.equal(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  it('keeps the aliases in config order', () => {
    const dbs = resolveConfig({ zeta: { engine: 'sqlite', database: 'z.db' }, default: { engine: 'sqlite', database: 'd.db' }, alpha: { engine: 'sqlite', database: 'a.db' } });
    expect(dbs.map((db) => db.alias)).to.deep.equal(['zeta', 'default', 'alpha']);
  });

  it('merges URL query options with explicit options', () => {
    const [db] = resolveConfig({ default: { engine: 'postgres', url: 'postgres://db/app?application_name=api', options: { statement_timeout: 5000 } } });
    expect(db?.connection.options).to.deep.equal({ application_name: 'api', statement_timeout: 5000 });
  });

  it('accepts oracle with options.connectString and mysql with options.socketPath instead of a host', () => {
    const dbs = resolveConfig({
      default: { engine: 'oracle', user: 'app', password: 'pw', options: { connectString: 'mydb_high' } },
      local: { engine: 'mysql', user: 'root', options: { socketPath: '/run/mysqld/mysqld.sock' } },
    });
    expect(dbs[0]?.connection.host).to.equal(undefined);
    expect(dbs[0]?.connection.options).to.deep.equal({ connectString: 'mydb_high' });
    expect(dbs[1]?.connection.options).to.deep.equal({ socketPath: '/run/mysqld/mysqld.sock' });
  });
});
