import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createDatabases, type DatabasesConfig } from '../../src/index.js';
import { report } from './support/outcomes.js';
import { guardProcess } from './support/process-guard.js';

const SECRET = 's3cr3t-P@ss-4242';
const ENCODED = encodeURIComponent(SECRET); // s3cr3t-P%40ss-4242
/** Any trace of the password, encoded or not, in full or in part. */
const TRACE = /s3cr3t|P@ss-4242|P%40ss-4242/i;
const CHANNELS = ['unipool:acquire', 'unipool:release', 'unipool:create', 'unipool:destroy', 'unipool:timeout', 'unipool:leak'];

/** Everything a user or a log shipper could print of a value: inspect (hidden fields, full depth), JSON, string. */
function surfaces(value: unknown): string {
  const parts = [inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true, getters: true })];
  try {
    parts.push(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? '');
  } catch {
    // circular: inspect above already covered it
  }
  parts.push(String(value));
  for (let cause = (value as { cause?: unknown } | null)?.cause; cause !== undefined && cause !== null; cause = (cause as { cause?: unknown }).cause) {
    parts.push(String(cause), (cause as Error).stack ?? '');
  }
  return parts.join('\n');
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(address !== null && typeof address === 'object' ? address.port : 1));
    });
  });
}

function runCli(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, output: `${stdout}\n${stderr}` });
    });
  });
}

/** Configs that are wrong in ways that put the password next to the mistake. */
function invalidConfigs(): Record<string, unknown> {
  return {
    default: { engine: 'postgres', url: `postgres://app:${ENCODED}@db.example:99999/app` },
    urlAndPassword: { engine: 'postgres', url: `postgres://app:${ENCODED}@db.example/app`, password: SECRET },
    typo: { engine: 'postgres', host: 'db.example', passwrd: SECRET },
    otherScheme: { engine: 'postgres', url: `mysql://root:${ENCODED}@db.example/app` },
    inQuery: { engine: 'postgres', url: `postgres://app@db.example/app?password=${ENCODED}` },
    twice: { engine: 'postgres', url: `postgres://app:${ENCODED}@db.example/app?password=${ENCODED}` },
    fieldTypo: { engine: 'mysql', url: `mysql://root:${ENCODED}@db.example/app`, prot: 3306 },
    badEncoding: { engine: 'postgres', url: 'postgres://app:s3cr3t-%zz-4242@db.example/app' },
    sqlite: { engine: 'sqlite', database: 'app.sqlite3', password: SECRET },
    inOptions: { engine: 'postgres', host: 'db.example', options: { password: SECRET }, pool: { max: 0 } },
    wrongType: { engine: 'mysql', host: 'db.example', password: [SECRET] },
  };
}

describe('credentials never appear in errors, logs, stats, metrics, channels or CLI output', function () {
  this.timeout(60_000);
  const guard = guardProcess();
  const dir = mkdtempSync(join(tmpdir(), 'unipool-faults-creds-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a rejected password (MariaDB) and a closed port (PostgreSQL), in URLs and discrete fields', async () => {
    const port = await closedPort();
    const warnings: string[] = [];
    const published: unknown[] = [];
    const collect = (message: unknown): void => void published.push(message);
    const onWarning = (warning: Error): void => void warnings.push(surfaces(warning));
    for (const name of CHANNELS) subscribe(name, collect);
    process.on('warning', onWarning);
    const pool = { acquireTimeoutMs: 800, connectTimeoutMs: 500 };
    const dbs = createDatabases(
      {
        default: { engine: 'mysql', url: `mysql://root:${ENCODED}@127.0.0.1:3306/test`, pool },
        discreteMysql: { engine: 'mysql', host: '127.0.0.1', port: 3306, user: 'root', password: SECRET, database: 'test', pool },
        pgUrl: { engine: 'postgres', url: `postgres://postgres:${ENCODED}@127.0.0.1:${port}/test`, pool },
        pgDiscrete: { engine: 'postgres', host: '127.0.0.1', port, user: 'postgres', password: SECRET, database: 'test', pool },
      },
      { logger: { warn: (message) => void warnings.push(message) } },
    );
    const errors: unknown[] = [];
    try {
      const failed = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);
      for (const alias of dbs.aliases) {
        const db = dbs.get(alias);
        errors.push(
          ...(await Promise.all([
            failed(db.query('SELECT 1')),
            failed(db.atomic(() => db.query('SELECT 1'))),
            failed((async () => {
              for await (const _row of db.stream('SELECT 1')) break;
            })()),
          ])),
        );
      }
      const text = [
        ...errors.map(surfaces),
        ...warnings,
        surfaces(dbs.stats()),
        dbs.metrics(),
        surfaces(published),
        surfaces(dbs),
        surfaces(dbs.default),
      ].join('\n');
      const codes = [...new Set(errors.map((error) => (error as { code?: string }).code))];
      report('mysql+postgres', 'credentials-runtime', { errors: errors.length, codes: codes.join('|'), channelMessages: published.length, warnings: warnings.length, leaks: (text.match(new RegExp(TRACE, 'gi')) ?? []).length });
      expect(errors.every((error) => error instanceof Error)).to.equal(true);
      // A wrong password and a refused port with no connection open: answered at once, not by a timeout.
      expect(codes).to.deep.equal(['UNIPOOL_CONNECT_FAILED']);
      // The cause says what went wrong — without the password.
      expect(String(errors[0])).to.contain('Access denied');
      expect(String(errors[errors.length - 1])).to.contain('ECONNREFUSED');
      expect(text).to.not.match(TRACE);
    } finally {
      for (const name of CHANNELS) unsubscribe(name, collect);
      process.off('warning', onWarning);
      await dbs.close({ timeoutMs: 1000 });
    }
    expect(guard.caught, guard.describe()).to.deep.equal([]);
  });

  it('config errors, in process and from `unipool check` (text and --json)', async () => {
    const configs = invalidConfigs();
    let thrown: unknown;
    try {
      createDatabases(configs as DatabasesConfig);
    } catch (error) {
      thrown = error;
    }
    const invalidFile = join(dir, 'invalid.json');
    writeFileSync(invalidFile, JSON.stringify(configs, null, 2));
    const validFile = join(dir, 'valid.json');
    writeFileSync(validFile, JSON.stringify({ default: { engine: 'postgres', url: `postgres://app:${ENCODED}@db.example/app` }, other: { engine: 'mysql', host: 'db.example', password: SECRET } }));
    const moduleFile = join(dir, 'unipool.config.mjs');
    writeFileSync(moduleFile, `export default ${JSON.stringify({ default: { engine: 'mysql', url: `mysql://root:${ENCODED}@db.example:0/app`, password: SECRET } })};\n`);
    const runs = await Promise.all([
      runCli(['check', invalidFile]),
      runCli(['check', invalidFile, '--json']),
      runCli(['check', validFile]),
      runCli(['check', validFile, '--json']),
      runCli(['check', moduleFile]),
    ]);
    const issues = (thrown as { issues?: readonly unknown[] } | undefined)?.issues ?? [];
    const text = [surfaces(thrown), ...runs.map((run) => run.output)].join('\n');
    report('all', 'credentials-config', { configProblems: issues.length, cliRuns: runs.length, exitCodes: runs.map((run) => run.code).join('/'), leaks: (text.match(new RegExp(TRACE, 'gi')) ?? []).length });
    expect((thrown as { code?: string } | undefined)?.code).to.equal('UNIPOOL_CONFIG_INVALID');
    // Every alias above has at least one problem, and each is reported.
    expect(issues.length).to.be.at.least(Object.keys(configs).length);
    expect(runs.map((run) => run.code)).to.deep.equal([1, 1, 0, 0, 1]);
    expect(text).to.not.match(TRACE);
  });

  it('`unipool doctor` against a server that rejects the password', async () => {
    const file = join(dir, 'doctor.json');
    writeFileSync(file, JSON.stringify({ default: { engine: 'mysql', url: `mysql://root:${ENCODED}@127.0.0.1:3306/test`, pool: { connectTimeoutMs: 2000 } }, discrete: { engine: 'mysql', host: '127.0.0.1', user: 'root', password: SECRET, database: 'test' } }));
    const runs = await Promise.all([runCli(['doctor', file]), runCli(['doctor', file, '--json'])]);
    const text = runs.map((run) => run.output).join('\n');
    report('mysql', 'credentials-doctor', { runs: runs.length, exitCodes: runs.map((run) => run.code).join('/'), leaks: (text.match(new RegExp(TRACE, 'gi')) ?? []).length });
    expect(text).to.contain('Access denied');
    expect(runs.every((run) => run.code !== 0)).to.equal(true);
    expect(text).to.not.match(TRACE);
  });
});
