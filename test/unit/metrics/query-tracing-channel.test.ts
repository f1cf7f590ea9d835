import { expect } from 'chai';
import { tracingChannel } from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { createDatabases, type Databases } from '../../../src/index.js';

type Context = Record<string, unknown>;
type Event = { event: 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error'; context: Context; snapshot: string };

/** Subscribes to `unipool:query`; each event records the context and a snapshot of it at that moment. */
function traceQueries(): { events: Event[]; stop: () => void } {
  const events: Event[] = [];
  const channel = tracingChannel<unknown, Context>('unipool:query');
  const on = (event: Event['event']) => (context: Context): void => {
    events.push({ event, context, snapshot: inspect(context, { depth: 4 }) });
  };
  const handlers = { start: on('start'), end: on('end'), asyncStart: on('asyncStart'), asyncEnd: on('asyncEnd'), error: on('error') };
  channel.subscribe(handlers);
  return { events, stop: () => channel.unsubscribe(handlers) };
}

describe('metrics: unipool:query tracing channel', () => {
  let tracer: ReturnType<typeof traceQueries>;
  let dbs: Databases<'default'>;
  beforeEach(() => {
    tracer = traceQueries();
    dbs = createDatabases({ default: { engine: 'sqlite', database: ':memory:' } });
  });
  afterEach(async () => {
    tracer.stop();
    await dbs.close();
  });

  it('wraps a statement in start, end, asyncStart, asyncEnd, on one context that receives the result', async () => {
    const result = await dbs.default.query('SELECT length(?) AS n', ['do-not-publish-me']);
    expect(tracer.events.map((e) => e.event)).to.deep.equal(['start', 'end', 'asyncStart', 'asyncEnd']);
    const [start] = tracer.events;
    expect(tracer.events.every((e) => e.context === start!.context), 'one context object').to.equal(true);
    expect(start!.context).to.include({ alias: 'default', engine: 'sqlite', connectionId: 1, sql: 'SELECT length(?) AS n', paramCount: 1, held: 'none' });
    expect(start!.snapshot, 'parameter values are never published').to.not.include('do-not-publish-me');
    expect(tracer.events[3]!.context['result']).to.deep.include({ rowCount: 1, rows: result.rows });
  });

  it('publishes error with the driver error, and the query still rejects with it', async () => {
    const thrown = await dbs.default.query('SELECT no_such_column').catch((error: unknown) => error);
    expect(tracer.events.map((e) => e.event)).to.deep.equal(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect(tracer.events[2]!.context['error']).to.equal(thrown);
    expect(String((thrown as Error).message)).to.include('no_such_column');
  });

  it('says which holder the connection belongs to', async () => {
    const db = dbs.default;
    await db.atomic(async () => {
      await db.query('SELECT 1 AS n');
    });
    await db.session(async () => {
      await db.query('SELECT 2 AS n', []);
    });
    await dbs.scope(async () => {
      await db.query('BEGIN');
      await db.query('SELECT 3 AS n');
      await db.query('COMMIT');
    });
    const starts = tracer.events.filter((e) => e.event === 'start').map((e) => [e.context['sql'], e.context['held'], e.context['paramCount']]);
    expect(starts).to.deep.equal([
      ['SELECT 1 AS n', 'atomic', 0],
      ['SELECT 2 AS n', 'session', 0],
      ['BEGIN', 'none', 0],
      ['SELECT 3 AS n', 'scope', 0],
      ['COMMIT', 'scope', 0],
    ]);
  });

  it('counts named parameters', async () => {
    await dbs.default.query('SELECT :a + :b AS n', { a: 1, b: 2 });
    expect(tracer.events[0]!.context['paramCount']).to.equal(2);
  });

  it('runs queries normally once the tracer unsubscribes', async () => {
    tracer.stop();
    const { rows } = await dbs.default.query('SELECT 7 AS n');
    expect(rows).to.deep.equal([{ n: 7 }]);
    expect(tracer.events).to.deep.equal([]);
  });
});
