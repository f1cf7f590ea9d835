import { expect } from 'chai';
import type { Adapter, ConnectionSettings, SessionAttributes, TargetSessionAttrs } from '../../../src/adapter.js';
import { createConnectionSettings } from '../../../src/config/connection-settings.js';
import { UnipoolError } from '../../../src/errors.js';
import { connectToHosts, HostsConnectFailure, isPermanentConnectFailure } from '../../../src/topology/connect-to-hosts.js';
import { matchesTarget } from '../../../src/topology/target-session-attrs.js';
import { withDocsLink } from '../../support/docs-link.js';

/** What each fake server is; a string is the connect error it refuses with. */
type FakeServer = SessionAttributes | string;

interface FakeConn {
  readonly server: string;
  closed: boolean;
}

/** The part of an adapter connectToHosts uses, over fake servers keyed by `host:port`. */
function fakeAdapter(servers: Readonly<Record<string, FakeServer>>) {
  const tried: string[] = [];
  const opened: FakeConn[] = [];
  const adapter = {
    engine: 'postgres',
    async connect(settings: ConnectionSettings) {
      const server = `${settings.host}:${settings.port}`;
      tried.push(server);
      // The password reaches every host's settings (it is non-enumerable, a spread would drop it).
      if (settings.password !== 'hunter2') throw new Error(`password lost on the way to ${server}`);
      const kind = servers[server];
      if (kind === undefined || typeof kind === 'string') throw Object.assign(new Error(`refused by ${server} (password hunter2)`), { code: kind ?? 'ECONNREFUSED' });
      const conn: FakeConn = { server, closed: false };
      opened.push(conn);
      return conn;
    },
    async sessionAttributes(conn: FakeConn) {
      return servers[conn.server] as SessionAttributes;
    },
    async close(conn: FakeConn) {
      conn.closed = true;
    },
  } as unknown as Adapter<FakeConn>;
  return { adapter, tried, opened };
}

const PRIMARY: SessionAttributes = { readOnly: false, standby: false };
const STANDBY: SessionAttributes = { readOnly: true, standby: true };
const FENCED: SessionAttributes = { readOnly: true, standby: false };

function settings(target: TargetSessionAttrs | undefined, ...hosts: string[]): ConnectionSettings {
  const list = hosts.map((h) => ({ host: h.split(':')[0] ?? '', port: Number(h.split(':')[1]) }));
  return createConnectionSettings({ host: list[0]?.host, port: list[0]?.port, hosts: list.length > 1 ? list : undefined, targetSessionAttrs: target, user: 'app', password: 'hunter2', options: {} });
}

const context = { timeoutMs: 1000, onBroken: () => undefined };

async function failure(promise: Promise<unknown>): Promise<UnipoolError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(UnipoolError);
    return error as UnipoolError;
  }
  throw new Error('expected a failure');
}

describe('connecting to one of several hosts (targetSessionAttrs)', () => {
  it('tries the hosts in order and takes the first that answers ("any")', async () => {
    const { adapter, tried } = fakeAdapter({ 'b:2': STANDBY, 'c:3': PRIMARY });
    const opened = await connectToHosts(adapter, settings(undefined, 'a:1', 'b:2', 'c:3'), context);
    expect(tried).to.deep.equal(['a:1', 'b:2']);
    expect(opened.server).to.equal('b:2');
  });

  it('read-write passes over a standby and a fenced primary, closing them', async () => {
    const { adapter, tried, opened } = fakeAdapter({ 'a:1': STANDBY, 'b:2': FENCED, 'c:3': PRIMARY });
    const result = await connectToHosts(adapter, settings('read-write', 'a:1', 'b:2', 'c:3'), context);
    expect(result.server).to.equal('c:3');
    expect(tried).to.deep.equal(['a:1', 'b:2', 'c:3']);
    expect(opened.map((c) => c.closed)).to.deep.equal([true, true, false]);
  });

  it('primary accepts a fenced (read-only, not in recovery) server; standby does not', async () => {
    expect((await connectToHosts(fakeAdapter({ 'a:1': STANDBY, 'b:2': FENCED }).adapter, settings('primary', 'a:1', 'b:2'), context)).server).to.equal('b:2');
    expect((await connectToHosts(fakeAdapter({ 'a:1': FENCED, 'b:2': STANDBY }).adapter, settings('standby', 'a:1', 'b:2'), context)).server).to.equal('b:2');
    expect((await connectToHosts(fakeAdapter({ 'a:1': PRIMARY, 'b:2': STANDBY }).adapter, settings('read-only', 'a:1', 'b:2'), context)).server).to.equal('b:2');
  });

  it('prefer-standby takes a standby further down the list, else keeps the first server that answered', async () => {
    const later = fakeAdapter({ 'a:1': PRIMARY, 'b:2': STANDBY });
    expect((await connectToHosts(later.adapter, settings('prefer-standby', 'a:1', 'b:2'), context)).server).to.equal('b:2');
    expect(later.opened.map((c) => c.closed), 'the kept primary is closed once a standby is found').to.deep.equal([true, false]);
    const none = fakeAdapter({ 'a:1': PRIMARY, 'b:2': PRIMARY });
    const result = await connectToHosts(none.adapter, settings('prefer-standby', 'a:1', 'b:2'), context);
    expect(result.server).to.equal('a:1');
    expect(none.tried, 'no second connect to the fallback').to.deep.equal(['a:1', 'b:2']);
    expect(none.opened.map((c) => c.closed)).to.deep.equal([false, true]);
  });

  it('checks a single host too when a target is set', async () => {
    const error = await failure(connectToHosts(fakeAdapter({ 'a:1': STANDBY }).adapter, settings('read-write', 'a:1'), context));
    expect(error.code).to.equal('UNIPOOL_CONNECT_FAILED');
    expect(error.message).to.equal(withDocsLink('UNIPOOL_CONNECT_FAILED', 'postgres: could not connect to a host matching targetSessionAttrs "read-write" (tried 1): a:1: is read-only. If a failover is under way, the next connect tries again; otherwise check targetSessionAttrs and the hosts list.'));
  });

  it('names every host and why when none will do, without the password; a mismatch makes it transient', async () => {
    const error = await failure(connectToHosts(fakeAdapter({ 'b:2': STANDBY }).adapter, settings('read-write', 'a:1', 'b:2'), context));
    expect(error.message).to.include('a:1: refused by a:1 (password ***).');
    expect(error.message).to.include('b:2: is read-only.');
    expect(error.message).not.to.include('hunter2');
    const cause = error.cause as HostsConnectFailure;
    expect(cause).to.be.instanceOf(HostsConnectFailure);
    expect(cause.mismatched).to.equal(true);
    expect(cause.connectErrors).to.have.length(1);
  });

  it('reports the connect errors of every host when all refuse (the pool decides whether that is permanent)', async () => {
    const error = await failure(connectToHosts(fakeAdapter({ 'a:1': '28P01', 'b:2': '28P01' }).adapter, settings('any', 'a:1', 'b:2'), context));
    const cause = error.cause as HostsConnectFailure;
    expect(cause.mismatched).to.equal(false);
    expect(cause.connectErrors.map((e) => (e as { code: string }).code)).to.deep.equal(['28P01', '28P01']);
    expect(error.message).to.include('could not connect to any host (tried 2)');
  });

  it('is permanent only when every host refused for good', async () => {
    const byCode = (error: unknown): boolean => (error as { code?: string }).code === '28P01';
    const allRefused = await failure(connectToHosts(fakeAdapter({ 'a:1': '28P01', 'b:2': '28P01' }).adapter, settings('read-write', 'a:1', 'b:2'), context));
    expect(isPermanentConnectFailure(allRefused, byCode)).to.equal(true);
    const oneDown = await failure(connectToHosts(fakeAdapter({ 'a:1': '28P01', 'b:2': 'ECONNREFUSED' }).adapter, settings('read-write', 'a:1', 'b:2'), context));
    expect(isPermanentConnectFailure(oneDown, byCode)).to.equal(false);
    const oneStandby = await failure(connectToHosts(fakeAdapter({ 'a:1': '28P01', 'b:2': STANDBY }).adapter, settings('read-write', 'a:1', 'b:2'), context));
    expect(isPermanentConnectFailure(oneStandby, byCode), 'a standby may be promoted').to.equal(false);
    expect(isPermanentConnectFailure(Object.assign(new Error('x'), { code: '28P01' }), byCode), 'other errors go to the engine').to.equal(true);
  });

  it('matches each target as libpq does', () => {
    const table = (['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby'] as const).map((t) => [t, matchesTarget(t, PRIMARY), matchesTarget(t, FENCED), matchesTarget(t, STANDBY)]);
    expect(table).to.deep.equal([
      ['any', true, true, true],
      ['read-write', true, false, false],
      ['read-only', false, true, true],
      ['primary', true, true, false],
      ['standby', false, false, true],
      ['prefer-standby', false, false, true],
    ]);
  });
});
