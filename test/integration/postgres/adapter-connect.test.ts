import { expect } from 'chai';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { inspect } from 'node:util';
import { postgresAdapter as adapter } from '../../../adapters/postgres/index.js';
import { APPLICATION_NAME, OpenConnections, pgSettings } from './adapter-support.js';
import { withDocsLink } from '../../support/docs-link.js';

const PASSWORD = 's3cr3t-P@ss';

type Caught = { code?: string; message?: string; cause?: { code?: string } };

async function rejection(promise: Promise<unknown>): Promise<Caught | null> {
  return promise.then(
    () => null,
    (error: unknown) => error as Caught,
  );
}

const tcpSockets = (): number => process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;

/** A port nothing listens on: bind an ephemeral one, then free it. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

describe('postgres adapter: connect', () => {
  const connections = new OpenConnections();
  afterEach(() => connections.closeAll());

  it('passes settings.options to pg.Client (application_name shows in pg_stat_activity)', async () => {
    const conn = await connections.open();
    const { rows } = await adapter.query(conn, 'SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()');
    expect(rows).to.deep.equal([{ application_name: APPLICATION_NAME }]);
    expect(adapter.transactionState(conn)).to.equal('idle');
    expect(adapter.isUsable(conn)).to.equal(true);
  });

  describe('against a server that accepts and never answers', () => {
    let server: Server;
    let accepted: Socket[];
    beforeEach(async () => {
      accepted = [];
      // resume(): read and drop the startup packet, so the client's FIN is seen and the socket closes.
      server = createServer((socket) => void accepted.push(socket.resume()));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
    });
    afterEach(async () => {
      for (const socket of accepted) socket.destroy();
      server.close();
      await once(server, 'close');
    });

    it('rejects with UNIPOOL_CONNECT_TIMEOUT and leaves no socket open', async () => {
      const { port } = server.address() as AddressInfo;
      const socketsBefore = tcpSockets();
      const error = await rejection(adapter.connect(pgSettings({}, { port, password: PASSWORD }), { timeoutMs: 300, onBroken: () => undefined }));
      expect(error?.code).to.equal('UNIPOOL_CONNECT_TIMEOUT');
      expect(error?.message).to.equal(
        withDocsLink('UNIPOOL_CONNECT_TIMEOUT', `postgres: connecting to 127.0.0.1:${port} (database "test", user "postgres") took longer than connectTimeoutMs (300 ms). Check that the host and port are right and reachable (firewall, VPN), or raise pool.connectTimeoutMs.`),
      );
      expect(accepted).to.have.length(1);
      const serverSide = accepted[0] as Socket;
      if (!serverSide.closed) await once(serverSide, 'close');
      expect(tcpSockets()).to.equal(socketsBefore);
    });
  });

  it('names the target but never the password when the port is wrong', async () => {
    const port = await freePort();
    const onBrokenCalls: unknown[] = [];
    const error = await rejection(adapter.connect(pgSettings({}, { port, password: PASSWORD }), { timeoutMs: 5000, onBroken: (e) => void onBrokenCalls.push(e) }));
    expect(error?.code).to.equal('UNIPOOL_CONNECT_FAILED');
    expect(error?.message).to.equal(
      withDocsLink('UNIPOOL_CONNECT_FAILED', `postgres: could not connect to 127.0.0.1:${port} (database "test", user "postgres"): connect ECONNREFUSED 127.0.0.1:${port} (ECONNREFUSED). Is the server running and listening on that host and port?`),
    );
    expect(error?.cause?.code).to.equal('ECONNREFUSED');
    expect(inspect(error, { depth: 5 })).to.not.contain(PASSWORD);
    expect(JSON.stringify(error)).to.not.contain(PASSWORD);
    expect(onBrokenCalls).to.deep.equal([]);
  });

  it('explains a database that does not exist, with its SQLSTATE', async () => {
    const error = await rejection(
      adapter.connect(pgSettings({}, { database: 't_pgadapter_no_such_db', password: PASSWORD }), { timeoutMs: 5000, onBroken: () => undefined }),
    );
    expect(error?.code).to.equal('UNIPOOL_CONNECT_FAILED');
    expect(error?.message).to.equal(
      withDocsLink('UNIPOOL_CONNECT_FAILED', 'postgres: could not connect to 127.0.0.1:5432 (database "t_pgadapter_no_such_db", user "postgres"): database "t_pgadapter_no_such_db" does not exist (3D000). Check the database name.'),
    );
  });

  it('redacts the password should a driver message ever echo it', async () => {
    const error = await rejection(
      adapter.connect(pgSettings({}, { database: `db_${PASSWORD}`, password: PASSWORD }), { timeoutMs: 5000, onBroken: () => undefined }),
    );
    expect(error?.code).to.equal('UNIPOOL_CONNECT_FAILED');
    expect(error?.message).to.not.contain(PASSWORD);
    expect(error?.message).to.contain('"db_***"');
  });

  it('refuses pg pipeline mode before opening a socket', async () => {
    const error = await rejection(adapter.connect(pgSettings({ pipeline: 'false' }), { timeoutMs: 5000, onBroken: () => undefined }));
    expect(error?.code).to.equal('UNIPOOL_UNSUPPORTED');
    expect(error?.message).to.equal(
      withDocsLink('UNIPOOL_UNSUPPORTED', 'postgres: options.pipeline is not supported (got "false"): pg would pipeline every statement on the connection, transaction control and stream() (pg-cursor) included. Remove "pipeline" from the options; the database option "pipeline" (next to "pool", on by default) pipelines only the statements that are safe to share a connection.'),
    );
  });

  it('does not call onBroken when the pool closes the connection itself', async () => {
    const calls: unknown[] = [];
    const conn = await adapter.connect(pgSettings(), { timeoutMs: 5000, onBroken: (e) => void calls.push(e) });
    await adapter.close(conn);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).to.deep.equal([]);
    expect(adapter.isUsable(conn)).to.equal(false);
    await adapter.close(conn);
  });
});
