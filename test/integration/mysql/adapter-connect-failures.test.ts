import { createServer, type Server, type Socket } from 'node:net';
import { expect } from 'chai';
import { mysqlAdapter as adapter } from '../../../adapters/mysql/index.js';
import { mysqlSettings } from './adapter-test-settings.js';
import { withDocsLink } from '../../support/docs-link.js';

const PASSWORD = 's3cr3t-P@ss';

/** A TCP server that accepts connections and never says a word (no MySQL handshake). */
async function blackHole(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, sockets };
}

async function connectError(settings: Parameters<typeof mysqlSettings>[0], timeoutMs = 5000): Promise<Error & { code?: string }> {
  const reports: unknown[] = [];
  const outcome = await adapter.connect(mysqlSettings(settings), { timeoutMs, onBroken: (error) => reports.push(error) }).then(
    async (conn) => {
      await adapter.close(conn);
      return new Error('connected unexpectedly');
    },
    (error: unknown) => error as Error,
  );
  expect(reports, 'onBroken is not for connect failures').to.have.length(0);
  return outcome;
}

/** Everything an error could show when logged: message, stack, and the same of its cause. */
function printed(error: Error): string {
  const cause = error.cause as Error | undefined;
  return [error.message, error.stack, cause?.message, cause?.stack, JSON.stringify(error), JSON.stringify(cause)].join('\n');
}

describe('mysql adapter: connect failures', () => {
  it('times out against a server that accepts the TCP connection and never answers', async () => {
    const hole = await blackHole();
    try {
      const error = await connectError({ port: hole.port }, 300);
      expect(error).to.have.property('code', 'UNIPOOL_CONNECT_TIMEOUT');
      expect(error.message).to.equal(
        withDocsLink('UNIPOOL_CONNECT_TIMEOUT', `mysql: connecting to 127.0.0.1:${hole.port} (database "test", user "root") took longer than connectTimeoutMs (300 ms). Check that the host and port are right and reachable (firewall, VPN), or raise pool.connectTimeoutMs.`),
      );
      expect(error.cause).to.have.property('code', 'ETIMEDOUT');
      // The socket was closed, not left dangling.
      for (let i = 0; i < 100 && hole.sockets.size > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(hole.sockets.size).to.equal(0);
    } finally {
      hole.server.close();
    }
  });

  it('never shows the password when authentication fails', async () => {
    const error = await connectError({ user: 'unipool_no_such_user', password: PASSWORD });
    expect(error).to.have.property('code', 'UNIPOOL_CONNECT_FAILED');
    expect(error.message).to.match(/^mysql: could not connect to 127\.0\.0\.1:3306 \(database "test", user "unipool_no_such_user"\): Access denied for user 'unipool_no_such_user'@'[^']+' \(using password: YES\) \(ER_ACCESS_DENIED_ERROR\)\. Check the user and password\. With TLS off this is also how MariaDB refuses plain text \(require_secure_transport\): then set ssl\.mode \(e\.g\. "verify-full" with ssl\.ca\)\.\nSee \S+\/reference\/errors#unipool_connect_failed$/);
    expect(printed(error)).not.to.contain(PASSWORD);
  });

  it('never shows the password when the server cannot be reached', async () => {
    const hole = await blackHole();
    hole.server.close();
    const error = await connectError({ port: hole.port, password: PASSWORD });
    expect(error).to.have.property('code', 'UNIPOOL_CONNECT_FAILED');
    expect(error.message).to.contain('(ECONNREFUSED). Is the server running and listening on that host and port?');
    expect(printed(error)).not.to.contain(PASSWORD);
  });

  it('names an unknown database', async () => {
    const error = await connectError({ database: 'unipool_no_such_db' });
    expect(error).to.have.property('code', 'UNIPOOL_CONNECT_FAILED');
    expect(error.message).to.contain("Unknown database 'unipool_no_such_db' (ER_BAD_DB_ERROR). Check the database name.");
  });

  it('refuses driver options that change the shape of results, before connecting', async () => {
    const error = await connectError({ options: { multipleStatements: true } });
    expect(error).to.have.property('code', 'UNIPOOL_UNSUPPORTED');
    expect(error.message).to.equal(
      withDocsLink('UNIPOOL_UNSUPPORTED', 'mysql: options.multipleStatements = true is not supported: one query is one statement, so its result and transaction state are unambiguous (and a parameter cannot smuggle in a second statement). Remove it from options.'),
    );
  });

  it('refuses a connection whose SESSION_TRACK client flag was removed (session state would go unseen)', async () => {
    const error = await connectError({ options: { flags: '-SESSION_TRACK' } });
    expect(error).to.have.property('code', 'UNIPOOL_UNSUPPORTED');
    expect(error.message).to.match(/^mysql: the server does not report session-state changes/);
  });
});
