import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { redact, temporarySqliteTarget, urlTarget } from '../../../src/cli/bench/bench-target.js';
import { UsageError } from '../../../src/cli/usage-error.js';

function usageErrorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('unipool bench: the database to run on', () => {
  it('takes the engine from the URL scheme and shows the URL without its password', () => {
    const target = urlTarget('postgres://bench:s3cret@db.example:6543/shop');
    expect(target.engine).to.equal('postgres');
    expect(target.settings).to.include({ host: 'db.example', port: 6543, database: 'shop', user: 'bench' });
    expect(target.description).to.equal('postgres://bench:***@db.example:6543/shop');
    expect(urlTarget('mariadb://root@127.0.0.1/test').engine).to.equal('mysql');
  });

  it('refuses a scheme it cannot run on, an in-memory SQLite database, and a URL the config would refuse', () => {
    expect(usageErrorOf(() => urlTarget('oracle://u@h/db')).message).to.equal('--url: the scheme "oracle:" is not one unipool bench runs on — use postgres:// (or postgresql://), mysql:// (or mariadb://) or sqlite:<file>');
    expect(usageErrorOf(() => urlTarget('localhost:5432')).message).to.include('--url: the scheme "localhost:"');
    expect(usageErrorOf(() => urlTarget('sqlite::memory:')).message).to.include('needs a SQLite file');
    const bad = usageErrorOf(() => urlTarget('postgres://u:hunter2@h/db/extra'));
    expect(bad.message).to.match(/^--url: /);
    expect(bad.message).to.not.include('hunter2');
  });

  it('makes a temporary SQLite file by default and removes it afterwards', () => {
    const target = temporarySqliteTarget();
    expect(target.engine).to.equal('sqlite');
    const dir = dirname(String(target.settings.database));
    expect(existsSync(dir)).to.equal(true);
    target.dispose();
    expect(existsSync(dir)).to.equal(false);
  });

  it('redacts only the password of a URL', () => {
    expect(redact('mysql://root:pw@h:3306/db')).to.equal('mysql://root:***@h:3306/db');
    expect(redact('mysql://root@h/db')).to.equal('mysql://root@h/db');
    expect(redact('sqlite:./a.sqlite3')).to.equal('sqlite:./a.sqlite3');
  });
});
