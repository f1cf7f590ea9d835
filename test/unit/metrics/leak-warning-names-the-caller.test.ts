import { expect } from 'chai';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabases, type Database, type DatabaseRegistry } from '../../../src/index.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const SOURCE_LINES = readFileSync(THIS_FILE, 'utf8').split('\n');

/** The 1-based line of this file holding `marker` (so the test does not hard-code line numbers). */
function lineOf(marker: string): number {
  const index = SOURCE_LINES.findIndex((line) => line.includes(marker) && !line.includes('lineOf('));
  if (index < 0) throw new Error(`marker ${marker} not found`);
  return index + 1;
}

/** A registry whose logger resolves `warned` with the first warning. */
function openLeaky(leakDetectionMs: number): { dbs: DatabaseRegistry; db: Database; warnings: string[]; warned: Promise<string> } {
  const warnings: string[] = [];
  let resolveWarned!: (message: string) => void;
  const warned = new Promise<string>((resolve) => (resolveWarned = resolve));
  const dbs = createDatabases(
    { default: { engine: 'sqlite', database: ':memory:', pool: { leakDetectionMs } } },
    {
      logger: {
        warn(message) {
          warnings.push(message);
          resolveWarned(message);
        },
      },
    },
  );
  return { dbs, db: dbs.default, warnings, warned };
}

describe('metrics: leak detection reports the caller', () => {
  let dbs: DatabaseRegistry | undefined;
  afterEach(async () => {
    await dbs?.close({ timeoutMs: 100 });
    dbs = undefined;
  });

  it('a session() held past leakDetectionMs: one warning whose stack starts at this test file and line', async () => {
    const opened = openLeaky(20);
    dbs = opened.dbs;
    const held = opened.db.session(() => opened.warned); // leak-site-session
    const warning = await opened.warned;
    await held;

    const [headline, firstFrame] = warning.split('\n');
    expect(headline).to.match(/^unipool: pool "default": a connection has been checked out for \d+ ms \(leakDetectionMs=20\); it was acquired at:$/);
    expect(firstFrame, 'the first frame is the caller, not unipool').to.include(`${basename(THIS_FILE)}:${lineOf('leak-site-session')}:`);
    expect(warning).to.not.match(/src[/\\](database|database-core|pool[/\\])/);
    expect(opened.warnings).to.have.length(1);
    expect(opened.db.stats().leaks).to.equal(1);
  });

  it('an atomic() block and a stream() loop are traced to their own lines too', async () => {
    const opened = openLeaky(20);
    dbs = opened.dbs;
    await opened.db.atomic(() => opened.warned); // leak-site-atomic
    expect(opened.warnings[0]?.split('\n')[1]).to.include(`${basename(THIS_FILE)}:${lineOf('leak-site-atomic')}:`);

    const second = openLeaky(20);
    const registry = second.dbs;
    try {
      for await (const row of second.db.stream('SELECT 1 AS n')) { // leak-site-stream
        expect(row).to.deep.equal({ n: 1 });
        await second.warned;
      }
      expect(second.warnings[0]?.split('\n')[1]).to.include(`${basename(THIS_FILE)}:${lineOf('leak-site-stream')}:`);
    } finally {
      await registry.close();
    }
  });

  it('publishes the same report on unipool:leak', async () => {
    const messages: Record<string, unknown>[] = [];
    const handler = (message: unknown): void => {
      messages.push(message as Record<string, unknown>);
    };
    subscribe('unipool:leak', handler);
    try {
      const opened = openLeaky(20);
      dbs = opened.dbs;
      await opened.db.session(() => opened.warned); // leak-site-channel
      expect(messages).to.have.length(1);
      expect(Object.keys(messages[0]!).sort()).to.deep.equal(['alias', 'connectionId', 'engine', 'heldMs', 'leakDetectionMs', 'stack', 'uses']);
      expect(messages[0]).to.include({ alias: 'default', engine: 'sqlite', connectionId: 1, uses: 1, leakDetectionMs: 20 });
      expect(messages[0]!['heldMs']).to.be.a('number').and.at.least(20);
      expect(String(messages[0]!['stack']).split('\n')[0]).to.include(`${basename(THIS_FILE)}:${lineOf('leak-site-channel')}:`);
    } finally {
      unsubscribe('unipool:leak', handler);
    }
  });

  it('warns through process warnings when no logger is given', async () => {
    const registry = createDatabases({ default: { engine: 'sqlite', database: ':memory:', pool: { leakDetectionMs: 20 } } });
    dbs = registry;
    const warning = new Promise<Error>((resolve) => process.once('warning', resolve));
    await registry.default.session(() => warning);
    const emitted = await warning;
    expect(emitted.name).to.equal('UnipoolWarning');
    expect(emitted.message).to.match(/^unipool: pool "default": a connection has been checked out for/);
  });

  it('captures no stack at all when leakDetectionMs is off, and one per acquire when on', async () => {
    const original = Error.captureStackTrace;
    let captures = 0;
    Error.captureStackTrace = function (this: unknown, ...args: Parameters<typeof original>) {
      captures += 1;
      return original.apply(this, args);
    } as typeof original;
    try {
      const off = createDatabases({ default: { engine: 'sqlite', database: ':memory:' } });
      for (let i = 0; i < 5; i++) await off.default.query('SELECT 1 AS n');
      await off.close();
      expect(captures, 'leakDetectionMs 0').to.equal(0);

      const on = createDatabases({ default: { engine: 'sqlite', database: ':memory:', pool: { leakDetectionMs: 60_000 } } });
      for (let i = 0; i < 5; i++) await on.default.query('SELECT 1 AS n');
      await on.close();
      expect(captures, 'leakDetectionMs on').to.equal(5);
    } finally {
      Error.captureStackTrace = original;
    }
  });
});
