import { expect } from 'chai';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { parseDatabaseUrl } from '../../../src/config/parse-url.js';
import { ConfigError, type ConfigIssue } from '../../../src/errors.js';

function issuesOf(config: unknown): readonly ConfigIssue[] {
  try {
    resolveConfig(config as never);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

function connectionOf(database: Record<string, unknown>) {
  const [db] = resolveConfig({ default: database } as never);
  if (db === undefined) throw new Error('no database resolved');
  return db.connection;
}

describe('several hosts and targetSessionAttrs in the config', () => {
  it('resolves "hosts" in order, filling in the engine default port, with host/port the first one', () => {
    const connection = connectionOf({ engine: 'postgres', hosts: [{ host: 'a.example', port: 5433 }, { host: 'b.example' }], user: 'app', database: 'app', targetSessionAttrs: 'read-write' });
    expect(connection.hosts).to.deep.equal([{ host: 'a.example', port: 5433 }, { host: 'b.example', port: 5432 }]);
    expect([connection.host, connection.port]).to.deep.equal(['a.example', 5433]);
    expect(connection.targetSessionAttrs).to.equal('read-write');
  });

  it('reads a multi-host postgres URL with target_session_attrs, each host keeping its own port', () => {
    const connection = connectionOf({ engine: 'postgres', url: 'postgres://app:secret@h1:5432,h2:5433,[::1]/app?target_session_attrs=primary' });
    expect(connection.hosts).to.deep.equal([{ host: 'h1', port: 5432 }, { host: 'h2', port: 5433 }, { host: '::1', port: 5432 }]);
    expect(connection.targetSessionAttrs).to.equal('primary');
    expect(connection.password).to.equal('secret');
    expect(connection.options).to.deep.equal({});
  });

  it('reads a multi-host mysql URL, the default port 3306 where none is written', () => {
    const connection = connectionOf({ engine: 'mysql', url: 'mysql://root@h1,h2:3307/db' });
    expect(connection.hosts).to.deep.equal([{ host: 'h1', port: 3306 }, { host: 'h2', port: 3307 }]);
    expect(connection.targetSessionAttrs).to.equal(undefined);
  });

  it('leaves hosts unset for one host, so the plain connect path is taken', () => {
    expect(connectionOf({ engine: 'postgres', url: 'postgres://h1/app' }).hosts).to.equal(undefined);
  });

  it('refuses "hosts" together with "host" or "port"', () => {
    const issues = issuesOf({ default: { engine: 'postgres', host: 'a', port: 5432, hosts: [{ host: 'b' }] } });
    expect(issues).to.deep.equal([
      { path: 'databases.default.host', message: 'cannot be combined with "hosts" — list every server in "hosts" (each { host, port }), or use "host" and "port" for one server' },
      { path: 'databases.default.port', message: 'cannot be combined with "hosts" — list every server in "hosts" (each { host, port }), or use "host" and "port" for one server' },
    ]);
  });

  it('refuses "hosts" together with "url"', () => {
    const issues = issuesOf({ default: { engine: 'mysql', url: 'mysql://a/db', hosts: [{ host: 'b' }] } });
    expect(issues).to.deep.equal([{ path: 'databases.default.hosts', message: 'cannot be combined with "url" — put it in the URL, or remove "url"' }]);
  });

  it('refuses an empty hosts list and a host entry without a host (schema)', () => {
    const paths = issuesOf({ default: { engine: 'postgres', hosts: [] } }).map((i) => i.path);
    expect(paths).to.include('databases.default.hosts');
    const missing = issuesOf({ default: { engine: 'postgres', hosts: [{ port: 5432 }] } });
    expect(missing.map((i) => i.path).join(' ')).to.include('databases.default.hosts[0].host');
  });

  it('suggests the right targetSessionAttrs value for a misspelt one (option and URL)', () => {
    const option = issuesOf({ default: { engine: 'postgres', host: 'a', targetSessionAttrs: 'read_write' } });
    expect(option).to.have.length(1);
    expect(option[0]?.path).to.equal('databases.default.targetSessionAttrs');
    expect(option[0]?.message).to.include('did you mean "read-write"');
    const url = issuesOf({ default: { engine: 'postgres', url: 'postgres://a,b/app?target_session_attrs=prefer-standbys' } });
    expect(url).to.deep.equal([
      { path: 'databases.default.url', message: 'target_session_attrs=prefer-standbys is not supported — use one of any, read-write, read-only, primary, standby, prefer-standby (did you mean "prefer-standby"?)' },
    ]);
  });

  it('refuses targetSessionAttrs in both the option and the URL', () => {
    const issues = issuesOf({ default: { engine: 'postgres', url: 'postgres://a/app?target_session_attrs=any', targetSessionAttrs: 'any' } });
    expect(issues).to.deep.equal([{ path: 'databases.default.targetSessionAttrs', message: 'cannot be combined with "target_session_attrs" in the URL — set it in one place' }]);
  });

  it('oracle: refuses hosts, multi-host URLs and any target but "any", pointing at connectString', () => {
    const issues = issuesOf({ default: { engine: 'oracle', hosts: [{ host: 'a' }, { host: 'b' }], targetSessionAttrs: 'read-write' } });
    expect(issues).to.deep.equal([
      { path: 'databases.default.hosts', message: 'is not supported by oracle, which connects to one address — list the addresses in "options.connectString"' },
      { path: 'databases.default.targetSessionAttrs', message: '"read-write" is not supported by oracle, which cannot tell a primary from a standby before use — use "any"' },
    ]);
    const url = parseDatabaseUrl('oracle://u@a:1521,b:1521/svc', 'oracle');
    expect(url).to.deep.equal({ ok: false, problems: ['lists several hosts (a:1521, b:1521) — engine "oracle" connects to one host per URL; list the addresses in "options.connectString" instead'] });
    expect(connectionOf({ engine: 'oracle', host: 'a', targetSessionAttrs: 'any' }).targetSessionAttrs).to.equal('any');
  });

  it('sqlite: hosts and targetSessionAttrs are not used by a file database', () => {
    const issues = issuesOf({ default: { engine: 'sqlite', database: 'x.db', hosts: [{ host: 'a' }], targetSessionAttrs: 'any' } });
    expect(issues.map((i) => i.path)).to.deep.equal(['databases.default.hosts', 'databases.default.targetSessionAttrs']);
  });

  it('refuses a malformed host list in a URL without echoing the password', () => {
    const result = parseDatabaseUrl('postgres://u:hunter2@h1,,h2/app', 'postgres');
    expect(result.ok).to.equal(false);
    const text = result.ok ? '' : result.problems.join(' ');
    expect(text).to.include('invalid host ""');
    expect(text).not.to.include('hunter2');
  });

  it('keeps a password with "@" and "," apart from the host list', () => {
    const result = parseDatabaseUrl('postgres://u:p%40s,s@h1:1,h2:2/app', 'postgres');
    expect(result.ok && result.url.password).to.equal('p@s,s');
    expect(result.ok && result.url.hosts).to.deep.equal([{ host: 'h1', port: 1 }, { host: 'h2', port: 2 }]);
  });
});
