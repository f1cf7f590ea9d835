import { expect } from 'chai';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { createDatabases, type DatabaseRegistry } from '../../../src/index.js';

const NAMES = ['acquire', 'release', 'create', 'destroy', 'timeout', 'leak'] as const;
type Name = (typeof NAMES)[number];
type Message = Record<string, unknown>;

/** Subscribes to every pool channel; `stop()` unsubscribes. */
function record(): { events: { name: Name; message: Message }[]; stop: () => void } {
  const events: { name: Name; message: Message }[] = [];
  const handlers = NAMES.map((name) => {
    const handler = (message: unknown): void => {
      events.push({ name, message: message as Message });
    };
    subscribe(`unipool:${name}`, handler);
    return [name, handler] as const;
  });
  return { events, stop: () => handlers.forEach(([name, handler]) => unsubscribe(`unipool:${name}`, handler)) };
}

describe('metrics: diagnostics channels', () => {
  let recorder: ReturnType<typeof record>;
  let dbs: DatabaseRegistry | undefined;
  beforeEach(() => {
    recorder = record();
  });
  afterEach(async () => {
    await dbs?.close({ timeoutMs: 100 });
    dbs = undefined;
    recorder.stop();
  });

  it('publish create, acquire, release and destroy with the documented shapes', async () => {
    const registry = createDatabases({ default: { engine: 'sqlite', database: ':memory:' } });
    dbs = registry;
    await registry.default.query('SELECT 1 AS n');
    await registry.default.query('SELECT 2 AS n');
    await registry.close();
    dbs = undefined;

    const shapes = recorder.events.map(({ name, message }) => [name, Object.keys(message).sort().join(',')]);
    expect(shapes).to.deep.equal([
      ['create', 'alias,connectionId,createMs,engine'],
      ['acquire', 'alias,connectionId,engine,uses,waitMs'],
      ['release', 'alias,connectionId,engine,holdMs,uses'],
      ['acquire', 'alias,connectionId,engine,uses,waitMs'],
      ['release', 'alias,connectionId,engine,holdMs,uses'],
      ['destroy', 'alias,connectionId,engine,reason'],
    ]);
    const [create, acquire1, release1, acquire2, , destroy] = recorder.events.map((e) => e.message);
    expect(create).to.include({ alias: 'default', engine: 'sqlite', connectionId: 1 });
    expect(acquire1).to.include({ alias: 'default', engine: 'sqlite', connectionId: 1, uses: 1 });
    expect(release1).to.include({ connectionId: 1, uses: 1 });
    expect(acquire2).to.include({ connectionId: 1, uses: 2 });
    expect(destroy).to.include({ connectionId: 1, reason: 'closed' });
    for (const { message } of recorder.events) {
      for (const key of ['createMs', 'waitMs', 'holdMs']) if (key in message) expect(message[key], key).to.be.a('number').and.at.least(0);
    }
  });

  it('publish a timeout with the pool numbers and the error thrown to the caller', async () => {
    const registry = createDatabases({ default: { engine: 'sqlite', database: ':memory:', pool: { acquireTimeoutMs: 50 } } });
    dbs = registry;
    const db = registry.default;
    let endSession!: () => void;
    const sessionEnds = new Promise<void>((resolve) => (endSession = resolve));
    // The only connection is pinned by the session, so a query from outside it waits and gives up.
    const session = db.session(() => sessionEnds);
    const thrown = await db.query('SELECT 2 AS n').catch((error: unknown) => error);
    endSession();
    await session;
    const timeouts = recorder.events.filter((e) => e.name === 'timeout').map((e) => e.message);
    expect(timeouts).to.have.length(1);
    expect(timeouts[0]).to.include({ alias: 'default', engine: 'sqlite', acquireTimeoutMs: 50, size: 1, inUse: 1, idle: 0 });
    expect(timeouts[0]?.['waiting']).to.be.a('number');
    expect(timeouts[0]?.['error']).to.equal(thrown);
    expect((thrown as { code?: string }).code).to.equal('UNIPOOL_ACQUIRE_TIMEOUT');
  });

  it('publish a failed connection attempt on unipool:create with the error, and never the password', async () => {
    const registry = createDatabases({
      default: { engine: 'postgres', url: 'postgres://app:s3cr3t-P%40ss@127.0.0.1:1/test', pool: { acquireTimeoutMs: 300, connectTimeoutMs: 200 } },
    });
    dbs = registry;
    const thrown = await registry.default.query('SELECT 1').catch((e: unknown) => e);
    const failures = recorder.events.filter((e) => e.name === 'create');
    expect(failures.length).to.be.at.least(1);
    expect(Object.keys(failures[0]!.message).sort()).to.deep.equal(['alias', 'engine', 'error']);
    // Refused with no connection open: answered at once, not by a timeout.
    expect((thrown as { code?: string }).code).to.equal('UNIPOOL_CONNECT_FAILED');
    expect(recorder.events.filter((e) => e.name === 'timeout')).to.have.length(0);
    const everything = inspect(recorder.events, { depth: 8, showHidden: true });
    expect(everything).to.include('ECONNREFUSED');
    expect(everything).to.not.include('s3cr3t');
  });
});
