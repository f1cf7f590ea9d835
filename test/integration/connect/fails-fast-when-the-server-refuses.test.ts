import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { expect } from 'chai';
import { createDatabases, type Database } from '../../../src/index.js';

/** Far above any honest answer, far below the acquire timeout: a bound, not a timing measurement. */
const ACQUIRE_TIMEOUT_MS = 20_000;
const ANSWER_BOUND_MS = 5000;
const BURST = 20;

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every caller of a burst, what it got, and how long the last one waited. */
async function burst(db: Database, sql = 'SELECT 1'): Promise<{ errors: (Error & { code?: string })[]; elapsedMs: number }> {
  const startedAt = performance.now();
  const outcomes = await Promise.all(Array.from({ length: BURST }, () => db.query(sql).then(() => undefined, (e: unknown) => e as Error & { code?: string })));
  const elapsedMs = performance.now() - startedAt;
  return { errors: outcomes.map((outcome) => outcome ?? new Error('the query succeeded')), elapsedMs };
}

function expectAllConnectFailed(errors: readonly (Error & { code?: string })[]): void {
  expect(errors).to.have.length(BURST);
  expect(errors.map((e) => e.code)).to.deep.equal(Array(BURST).fill('UNIPOOL_CONNECT_FAILED'));
}

describe('connect failures answer every waiting caller long before acquireTimeoutMs', function () {
  this.timeout(60_000);
  const opened: { close(options?: { timeoutMs?: number }): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((dbs) => dbs.close({ timeoutMs: 2000 })));
  });
  function open(config: Record<string, unknown>): Database {
    const dbs = createDatabases({ default: { ...config, pool: { max: 5, acquireTimeoutMs: ACQUIRE_TIMEOUT_MS } } } as never);
    opened.push(dbs);
    return (dbs as unknown as { default: Database }).default;
  }

  it('mysql: a wrong user/password (error 1045) → UNIPOOL_CONNECT_FAILED with the hint, for every caller of a burst', async () => {
    const db = open({ engine: 'mysql', host: '127.0.0.1', port: 3306, user: 'unipool_no_such_user', password: 'not-the-password', database: 'test' });
    const { errors, elapsedMs } = await burst(db);
    expectAllConnectFailed(errors);
    expect(elapsedMs).to.be.below(ANSWER_BOUND_MS);
    expect(errors[0]?.message).to.include('Check the user and password.');
    expect(errors[0]?.message).to.not.include('not-the-password');
    expect((errors[0]?.cause as { errno?: number }).errno).to.equal(1045);
    expect(db.stats().timeouts).to.equal(0);
  });

  it('postgres: an unknown database (3D000) → UNIPOOL_CONNECT_FAILED with the hint, for every caller of a burst', async () => {
    const db = open({ engine: 'postgres', host: '127.0.0.1', port: 5432, user: 'postgres', database: 'unipool_no_such_database' });
    const { errors, elapsedMs } = await burst(db);
    expectAllConnectFailed(errors);
    expect(elapsedMs).to.be.below(ANSWER_BOUND_MS);
    expect(errors[0]?.message).to.include('Check the database name.');
    expect((errors[0]?.cause as { code?: string }).code).to.equal('3D000');
    expect(db.stats().timeouts).to.equal(0);
  });

  for (const engine of ['postgres', 'mysql'] as const) {
    it(`${engine}: a closed port → UNIPOOL_CONNECT_FAILED for every caller; a later caller too, after the backoff`, async () => {
      const db = open({ engine, host: '127.0.0.1', port: await closedPort(), user: engine === 'postgres' ? 'postgres' : 'root', database: 'test' });
      const { errors, elapsedMs } = await burst(db);
      expectAllConnectFailed(errors);
      expect(elapsedMs).to.be.below(ANSWER_BOUND_MS);
      expect((errors[0]?.cause as { code?: string }).code).to.equal('ECONNREFUSED');
      expect(errors[0]?.message).to.include('Is the server running');
      const later = await burst(db);
      expectAllConnectFailed(later.errors);
      expect(later.elapsedMs).to.be.below(ANSWER_BOUND_MS);
      expect(db.stats().timeouts).to.equal(0);
    });
  }

  it('a missing driver package → UNIPOOL_CONNECT_FAILED caused by UNIPOOL_DRIVER_MISSING, with the install command', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './test/fixtures/missing-driver/hide-package.mjs', 'test/fixtures/missing-driver/burst-without-driver.ts'], {
      env: { ...process.env, UNIPOOL_HIDE_PACKAGE: 'mysql2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, err).to.equal(0);
    const report = JSON.parse(out) as { elapsedMs: number; codes: string[]; message: string; causeCode: string };
    expect(report.codes).to.deep.equal(Array(10).fill('UNIPOOL_CONNECT_FAILED'));
    expect(report.causeCode).to.equal('UNIPOOL_DRIVER_MISSING');
    expect(report.message).to.include('npm install mysql2');
    expect(report.elapsedMs).to.be.below(ANSWER_BOUND_MS);
  });
});
