import { expect } from 'chai';
import type { Engine } from '../../../src/adapter.js';
import { parseDatabaseUrl, type ParsedUrl } from '../../../src/config/parse-url.js';

function parsed(url: string, engine: Engine): ParsedUrl {
  const result = parseDatabaseUrl(url, engine);
  if (!result.ok) throw new Error(`unexpected problems: ${result.problems.join('; ')}`);
  return result.url;
}

function problems(url: string, engine: Engine): readonly string[] {
  const result = parseDatabaseUrl(url, engine);
  if (result.ok) throw new Error(`expected problems for ${url}`);
  return result.problems;
}

describe('connection URLs', () => {
  describe('postgres', () => {
    it('reads user, password, host, port and database, percent-decoded', () => {
      expect(parsed('postgres://my%20user:p%40ss%2Fw0rd@db.example.com:6543/my%20db', 'postgres')).to.deep.equal({
        host: 'db.example.com',
        port: 6543,
        database: 'my db',
        user: 'my user',
        password: 'p@ss/w0rd',
        options: {},
      });
    });

    it('accepts postgresql:// and leaves port and database to the defaults when absent', () => {
      expect(parsed('postgresql://db', 'postgres')).to.deep.equal({ host: 'db', options: {} });
    });

    it('takes the last "@" as the end of the userinfo', () => {
      expect(parsed('postgres://app:p@ss@db/app', 'postgres').password).to.equal('p@ss');
    });

    it('strips the brackets of an IPv6 host', () => {
      expect(parsed('postgres://[::1]:5433/app', 'postgres').host).to.equal('::1');
    });

    it('reads a percent-encoded Unix socket directory as the host, or ?host= when the URL has none', () => {
      expect(parsed('postgres://app@%2Fvar%2Frun%2Fpostgresql/app', 'postgres').host).to.equal('/var/run/postgresql');
      expect(parsed('postgres:///app?host=/var/run/postgresql', 'postgres').host).to.equal('/var/run/postgresql');
    });

    it('maps sslmode to the ssl modes with libpq\'s meanings (require does not check the certificate)', () => {
      expect(parsed('postgres://db/app?sslmode=disable', 'postgres').ssl).to.deep.equal({ mode: 'disable' });
      expect(parsed('postgres://db/app?sslmode=require', 'postgres').ssl).to.deep.equal({ mode: 'require' });
      expect(parsed('postgres://db/app?sslmode=no-verify', 'postgres').ssl).to.deep.equal({ mode: 'require' });
      expect(parsed('postgres://db/app?sslmode=verify-ca', 'postgres').ssl).to.deep.equal({ mode: 'verify-ca' });
      expect(parsed('postgres://db/app?sslmode=verify-full', 'postgres').ssl).to.deep.equal({ mode: 'verify-full' });
      expect(parsed('postgres://db/app?ssl=true', 'postgres').ssl).to.deep.equal({ mode: 'verify-full' });
      expect(parsed('postgres://db/app?ssl=0', 'postgres').ssl).to.deep.equal({ mode: 'disable' });
    });

    it('keeps other query parameters as string options (pg needs strings)', () => {
      expect(parsed('postgres://db/app?application_name=api&statement_timeout=5000', 'postgres').options).to.deep.equal({
        application_name: 'api',
        statement_timeout: '5000',
      });
    });

    it('refuses sslmode values pg cannot honour, file parameters and duplicated parameters', () => {
      expect(problems('postgres://db/app?sslmode=allow', 'postgres')).to.deep.equal([
        'sslmode=allow is not supported — use disable, require (TLS, certificate not checked), verify-ca or verify-full; pg cannot fall back to an unencrypted connection, so prefer and allow do not exist here',
      ]);
      expect(problems('postgres://db/app?sslrootcert=/etc/ca.pem', 'postgres')).to.deep.equal([
        'query parameter "sslrootcert" is not supported — read the file yourself and pass its content in "ssl" (e.g. "ssl": { "ca": … })',
      ]);
      expect(problems('postgres://db/app?a=1&a=2', 'postgres')).to.deep.equal(['has the query parameter "a" twice — keep one']);
      expect(problems('postgres://db/app?sslmode=require&ssl=true', 'postgres')).to.deep.equal(['sets TLS twice ("sslmode" and "ssl") — keep one']);
    });

    it('refuses a fragment, a path after the database, and a ?host= next to a host', () => {
      expect(problems('postgres://app@db/app#x', 'postgres')).to.deep.equal(['must not contain a "#" fragment — write a "#" in the password as %23']);
      expect(problems('postgres://app:pa#ss@db/app', 'postgres')).to.deep.equal([
        'is not a valid URL, got "postgres://app:***@db/app" — expected postgres://user:password@host:5432/database (percent-encode special characters in the user name and password, e.g. "#" as %23)',
      ]);
      expect(problems('postgres://db/app/extra', 'postgres')).to.deep.equal([
        'has the path "/app/extra" — expected only the database name: postgres://user:password@host:5432/database',
      ]);
      expect(problems('postgres://db/app?host=/tmp', 'postgres')).to.deep.equal([
        'query parameter "host" is not supported — write it in the URL itself: postgres://user:password@host:5432/database',
      ]);
    });

    it('reports an unparsable URL without its password', () => {
      const [problem] = problems('postgres://app:s3cret@db:99999/app', 'postgres');
      expect(problem).to.equal(
        'is not a valid URL, got "postgres://app:***@db:99999/app" — expected postgres://user:password@host:5432/database (percent-encode special characters in the user name and password, e.g. "#" as %23)',
      );
    });

    it('rejects leading or trailing whitespace (a common .env mistake)', () => {
      expect(problems('postgres://db/app\n', 'postgres')).to.deep.equal(['must not start or end with whitespace, got "postgres://db/app\\n"']);
    });
  });

  describe('mysql', () => {
    it('accepts mysql:// and mariadb://', () => {
      expect(parsed('mysql://root@127.0.0.1/test', 'mysql')).to.deep.equal({ host: '127.0.0.1', database: 'test', user: 'root', options: {} });
      expect(parsed('mariadb://root:pw@127.0.0.1:3307/test', 'mysql').port).to.equal(3307);
    });

    it('reads query values as JSON when they are JSON, as mysql2 does', () => {
      expect(parsed('mysql://db/app?connectTimeout=5000&multipleStatements=true&charset=utf8mb4&flags=["-FOUND_ROWS"]', 'mysql').options).to.deep.equal({
        connectTimeout: 5000,
        multipleStatements: true,
        charset: 'utf8mb4',
        flags: ['-FOUND_ROWS'],
      });
    });

    it('maps ssl-mode (MySQL\'s or libpq\'s names) and ssl to the ssl modes', () => {
      expect(parsed('mysql://db/app?ssl-mode=REQUIRED', 'mysql').ssl).to.deep.equal({ mode: 'require' });
      expect(parsed('mysql://db/app?ssl-mode=disabled', 'mysql').ssl).to.deep.equal({ mode: 'disable' });
      expect(parsed('mysql://db/app?ssl-mode=VERIFY_CA', 'mysql').ssl).to.deep.equal({ mode: 'verify-ca' });
      expect(parsed('mysql://db/app?ssl-mode=VERIFY_IDENTITY', 'mysql').ssl).to.deep.equal({ mode: 'verify-full' });
      expect(parsed('mysql://db/app?sslmode=verify-full', 'mysql').ssl).to.deep.equal({ mode: 'verify-full' });
      expect(parsed('mysql://db/app?ssl={"rejectUnauthorized":false}', 'mysql').ssl).to.deep.equal({ rejectUnauthorized: false });
      expect(problems('mysql://db/app?ssl-mode=PREFERRED', 'mysql')).to.deep.equal([
        'ssl-mode=PREFERRED is not supported — use DISABLED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY; mysql2 cannot fall back to an unencrypted connection, so PREFERRED does not exist here',
      ]);
    });
  });

  describe('sqlite', () => {
    const cases: [string, string][] = [
      ['sqlite:./file.db', './file.db'],
      ['sqlite:file.db', 'file.db'],
      ['sqlite:/abs/path.db', '/abs/path.db'],
      ['sqlite:///abs/path.db', '/abs/path.db'],
      ['sqlite://localhost/abs/path.db', '/abs/path.db'],
      ['sqlite::memory:', ':memory:'],
      ['sqlite://:memory:', ':memory:'],
      ['sqlite:./my%20data.db', './my data.db'],
    ];
    for (const [url, database] of cases) {
      it(`${url} → ${database}`, () => {
        expect(parsed(url, 'sqlite')).to.deep.equal({ database, options: {} });
      });
    }

    it('turns the query into driver options', () => {
      expect(parsed('sqlite:./file.db?timeout=2000&readonly=true', 'sqlite').options).to.deep.equal({ timeout: 2000, readonly: true });
    });

    it('refuses a host and an empty path', () => {
      expect(problems('sqlite://server/file.db', 'sqlite')).to.deep.equal([
        'a sqlite URL has no host — write sqlite:relative/path.db, sqlite:/absolute/path.db or sqlite:///absolute/path.db',
      ]);
      expect(problems('sqlite:', 'sqlite')).to.deep.equal(['has no file path — expected sqlite:./path/to/file.db, sqlite:/absolute/path.db or sqlite::memory:']);
    });
  });

  describe('oracle', () => {
    it('reads oracle://user:pass@host:1521/service', () => {
      expect(parsed('oracle://scott:tiger@ora.example.com:1521/ORCLPDB1.example.com', 'oracle')).to.deep.equal({
        host: 'ora.example.com',
        port: 1521,
        database: 'ORCLPDB1.example.com',
        user: 'scott',
        password: 'tiger',
        options: {},
      });
    });

    it('reads query values as JSON (oracledb wants numbers for numeric options)', () => {
      expect(parsed('oracle://ora/svc?stmtCacheSize=40&ssl=true', 'oracle')).to.deep.equal({ host: 'ora', database: 'svc', ssl: { mode: 'verify-full' }, sslParameter: 'ssl', options: { stmtCacheSize: 40 } });
    });

    it('maps sslmode and Easy Connect\'s ssl_server_dn_match to the ssl modes', () => {
      expect(parsed('oracle://ora/svc?sslmode=verify-ca', 'oracle').ssl).to.deep.equal({ mode: 'verify-ca' });
      expect(parsed('oracle://ora/svc?ssl_server_dn_match=yes', 'oracle').ssl).to.deep.equal({ mode: 'verify-full' });
      expect(parsed('oracle://ora/svc?ssl_server_dn_match=off', 'oracle').ssl).to.deep.equal({ mode: 'verify-ca' });
      expect(problems('oracle://ora/svc?ssl_server_dn_match=maybe', 'oracle')).to.deep.equal(['ssl_server_dn_match=maybe is not supported — use yes or no']);
    });
  });

  describe('schemes', () => {
    it('names the engine a known scheme belongs to', () => {
      expect(problems('oracle://ora/svc', 'postgres')).to.deep.equal(['scheme "oracle:" does not match engine "postgres" — use a postgres:// or postgresql:// URL, or set engine to "oracle"']);
      expect(problems('postgres://db/app', 'sqlite')).to.deep.equal(['scheme "postgres:" does not match engine "sqlite" — use a sqlite: URL, or set engine to "postgres"']);
    });

    it('calls a plain path or host:port "not a valid URL"', () => {
      expect(problems('./file.db', 'sqlite')).to.deep.equal(['is not a valid URL, got "./file.db" — expected sqlite:./path/to/file.db, sqlite:/absolute/path.db or sqlite::memory:']);
      expect(problems('db:3306/app', 'mysql')).to.deep.equal(['is not a valid URL, got "db:3306/app" — expected mysql://user:password@host:3306/database']);
    });
  });
});
