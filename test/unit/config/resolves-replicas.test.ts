import { expect } from 'chai';
import { ConfigError, resolveConfig } from '../../../src/index.js';

function issuesOf(config: unknown): { path: string; message: string }[] {
  try {
    resolveConfig(config);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return [...(error as ConfigError).issues];
  }
  throw new Error('expected a ConfigError');
}

describe('config: replicas', () => {
  it('is absent from the resolved database when none is configured', () => {
    const [db] = resolveConfig({ default: { engine: 'postgres', url: 'postgres://u@h/d' } });
    expect(db).to.not.have.property('replicas');
    const [empty] = resolveConfig({ default: { engine: 'postgres', url: 'postgres://u@h/d', replicas: [] } });
    expect(empty).to.not.have.property('replicas');
  });

  it("inherits a password function from the primary, and a replica's own password wins over it", () => {
    const rotate = (): string => 'token';
    const [db] = resolveConfig({ default: { engine: 'postgres', host: 'primary', user: 'app', password: rotate, replicas: [{ host: 'standby1' }, { host: 'standby2', password: 'fixed' }] } });
    const [inherited, own] = db?.replicas ?? [];
    expect(inherited?.connection.passwordFunction).to.equal(rotate);
    expect(inherited?.connection.password).to.equal(undefined);
    expect(own?.connection.passwordFunction).to.equal(undefined);
    expect(own?.connection.password).to.equal('fixed');
  });

  it('inherits user, password, database, ssl, options, int64 and pool from the primary, but never its location', () => {
    const [db] = resolveConfig({
      default: {
        engine: 'postgres',
        host: 'primary',
        port: 6543,
        database: 'app',
        user: 'app_user',
        password: 's3cret',
        ssl: { rejectUnauthorized: true },
        int64: 'bigint',
        options: { application_name: 'api', statement_timeout: 1000 },
        pool: { max: 7, idleTimeoutMs: 1234 },
        replicas: [{ host: 'standby1' }, { url: 'postgres://standby2:5433', options: { application_name: 'api-read' }, pool: { max: 3 } }],
      },
    });
    const [first, second] = db?.replicas ?? [];
    expect(first?.name).to.equal('standby1:5432'); // a host without port: the engine's default, not the primary's
    expect(first?.connection).to.deep.include({ host: 'standby1', port: 5432, database: 'app', user: 'app_user', int64: 'bigint' });
    expect(first?.connection.password).to.equal('s3cret');
    expect(first?.connection.ssl).to.deep.equal({ rejectUnauthorized: true });
    expect(first?.connection.options).to.deep.equal({ application_name: 'api', statement_timeout: 1000 });
    expect(first?.pool).to.include({ max: 7, idleTimeoutMs: 1234 });
    expect(second?.name).to.equal('standby2:5433');
    expect(second?.connection).to.deep.include({ host: 'standby2', port: 5433, database: 'app', user: 'app_user' });
    expect(second?.connection.options).to.deep.equal({ application_name: 'api-read', statement_timeout: 1000 });
    expect(second?.pool).to.include({ max: 3, idleTimeoutMs: 1234 });
    // The inherited password stays as hidden as the primary's.
    expect(JSON.stringify(db)).to.not.contain('s3cret');
    expect(Object.isFrozen(first?.connection)).to.equal(true);
  });

  it("takes what the replica sets, its URL's user, password, database and TLS included", () => {
    const [db] = resolveConfig({
      default: {
        engine: 'mysql',
        url: 'mysql://app:pw@primary/app',
        replicas: [{ url: 'mysql://reader:rpw@replica:3307/app_copy?ssl=true' }, { host: '::1', user: 'other', password: 'x', ssl: false, database: 'd2' }],
      },
    });
    const [first, second] = db?.replicas ?? [];
    expect(first?.connection).to.deep.include({ host: 'replica', port: 3307, user: 'reader', database: 'app_copy' });
    expect(first?.connection.password).to.equal('rpw');
    expect(first?.connection.ssl).to.not.deep.equal({ mode: 'disable' });
    expect(second?.name).to.equal('[::1]:3306');
    expect(second?.connection).to.deep.include({ user: 'other', database: 'd2', ssl: { mode: 'disable' } });
    expect(second?.connection.password).to.equal('x');
  });

  it('reports a replica without a location, an unknown key, a wrong URL scheme and a bad pool with their paths', () => {
    const issues = issuesOf({
      default: {
        engine: 'postgres',
        url: 'postgres://u@h/d',
        replicas: [{ user: 'x' }, { host: 'r', colour: 'red' }, { url: 'mysql://r/d' }, { host: 'r2', pool: { min: 20 } }],
      },
    });
    const paths = issues.map((issue) => issue.path);
    expect(paths).to.include('databases.default.replicas[0]');
    expect(paths).to.include('databases.default.replicas[1].colour');
    expect(paths).to.include('databases.default.replicas[2].url');
    expect(paths).to.include('databases.default.replicas[3].pool.min');
    expect(issues.find((issue) => issue.path === 'databases.default.replicas[0]')?.message).to.contain('needs a "url" or a "host"');
    expect(issues.find((issue) => issue.path === 'databases.default.replicas[3].pool.min')?.message).to.contain('must be ≤ max');
  });

  it('rejects the same server listed twice', () => {
    const issues = issuesOf({ default: { engine: 'postgres', url: 'postgres://u@h/d', replicas: [{ host: 'r' }, { url: 'postgres://r:5432' }] } });
    expect(issues).to.deep.equal([{ path: 'databases.default.replicas[1]', message: 'is the same server as replicas[0] (r:5432) — list each replica once' }]);
  });

  it('is refused for SQLite, which has no replicas', () => {
    const issues = issuesOf({ default: { engine: 'sqlite', database: 'app.db', replicas: [{ host: 'r' }] } });
    expect(issues).to.deep.include({ path: 'databases.default.replicas', message: 'is not available for sqlite — a sqlite database is a local file and has no read replicas; remove "replicas"' });
  });
});
