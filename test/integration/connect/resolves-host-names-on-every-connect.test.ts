import type * as DnsModule from 'node:dns';
import { createRequire } from 'node:module';
import { createConnection, createServer, type Server } from 'node:net';
import { expect } from 'chai';
import { createDatabases } from '../../../src/index.js';

const NAME = 'hosts-dns.unipool.test';
/** The module object net reads `lookup` from at every connect (an ESM namespace could not be patched). */
const dns = createRequire(import.meta.url)('node:dns') as typeof DnsModule;

/** A TCP forwarder on `address:port` to the shared server, counting the connections it accepts. */
async function forwarder(address: string, port: number, to: number): Promise<{ server: Server; port: number; accepted: () => number }> {
  let accepted = 0;
  const server = createServer((client) => {
    accepted++;
    const upstream = createConnection(to, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  return { server, port: (server.address() as { port: number }).port, accepted: () => accepted };
}

type Lookup = typeof dns.lookup;

/**
 * Neither unipool nor pg nor mysql2 keeps a DNS answer: every new connection asks again, so after a
 * failover that moves a name (RDS, Cloud SQL, a Patroni-managed DNS record) the next connect reaches
 * the new server. Proven here by answering the name with one loopback address, then another, each
 * with a forwarder of its own to the real server: the second connection must reach the second one.
 * Node's net module calls `dns.lookup` (of the module object) for every host name it connects to;
 * the test replaces it for one name and restores it after.
 */
for (const [engine, serverPort, url] of [
  ['postgres', 5432, (port: number) => `postgres://postgres@${NAME}:${port}/test`],
  ['mysql', 3306, (port: number) => `mysql://root@${NAME}:${port}/test`],
] as const) {
  describe(`${engine}: host names are resolved again for every new connection`, () => {
    const original: Lookup = dns.lookup;
    let answer = '127.0.0.2';
    const asked: string[] = [];
    const forwarders: Server[] = [];

    before(() => {
      dns.lookup = ((hostname: string, options: unknown, callback?: unknown) => {
        if (hostname !== NAME) return (original as (...args: unknown[]) => unknown)(hostname, options, callback);
        asked.push(answer);
        const done = (typeof options === 'function' ? options : callback) as (error: Error | null, address: unknown, family?: number) => void;
        const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
        process.nextTick(() => (all ? done(null, [{ address: answer, family: 4 }]) : done(null, answer, 4)));
        return undefined;
      }) as Lookup;
    });
    after(async () => {
      dns.lookup = original;
      await Promise.all(forwarders.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    });

    it('a changed answer is used by the next connection (no cached address)', async () => {
      const first = await forwarder('127.0.0.2', 0, serverPort);
      const second = await forwarder('127.0.0.3', first.port, serverPort);
      forwarders.push(first.server, second.server);
      // maxUses 1: every query opens a new connection.
      const dbs = createDatabases({ default: { engine, url: url(first.port), pool: { maxUses: 1, connectTimeoutMs: 5000 } } });
      try {
        await dbs.default.query('SELECT 1 AS one');
        expect([first.accepted(), second.accepted()], 'connections before the change').to.deep.equal([1, 0]);
        answer = '127.0.0.3';
        await dbs.default.query('SELECT 1 AS one');
        expect([first.accepted(), second.accepted()], 'connections after the change').to.deep.equal([1, 1]);
        expect(asked).to.deep.equal(['127.0.0.2', '127.0.0.3']);
      } finally {
        await dbs.close();
      }
    });
  });
}
