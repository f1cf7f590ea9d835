import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** How the proxy treats traffic right now. */
export type ProxyMode = 'forward' | 'blackhole';

/** One client connection and the upstream connection it is paired with. */
interface Pair {
  readonly client: Socket;
  upstream: Socket | undefined;
  /** Bytes held while black-holed (or before the upstream connected), per direction. */
  readonly toUpstream: Buffer[];
  readonly toClient: Buffer[];
}

/** What the proxy has seen, for the scenario's one-line report. */
export interface ProxyCounts {
  /** Client connections accepted since start. */
  readonly accepted: number;
  /** Client connections open now. */
  readonly open: number;
  /** Connections cut by `dropAll()`. */
  readonly dropped: number;
}

/**
 * A loopback TCP proxy for fault tests, in front of a real server. It forwards bytes both ways, and
 * on command:
 * - `blackhole()`: a network that silently loses packets — existing connections stay open but no
 *   byte passes in either direction, and new connections are accepted (the TCP handshake succeeds)
 *   but never reach the server. `forward()` lets the held bytes through, as TCP retransmission
 *   would once the route comes back.
 * - `dropAll()`: every open connection is reset (a crashed server or a middlebox dropping state).
 * - `refuse()` / `accept()`: stop listening (connects fail with ECONNREFUSED), listen again on the
 *   same port.
 */
export class TcpProxy {
  readonly #targetHost: string;
  readonly #targetPort: number;
  readonly #pairs = new Set<Pair>();
  #server: Server | undefined;
  #port = 0;
  #mode: ProxyMode = 'forward';
  #accepted = 0;
  #dropped = 0;

  constructor(target: { host: string; port: number }) {
    this.#targetHost = target.host;
    this.#targetPort = target.port;
  }

  /** Starts listening on a free loopback port; resolves that port. */
  async start(): Promise<number> {
    await this.#listen(0);
    return this.#port;
  }

  /** The port clients connect to. */
  get port(): number {
    return this.#port;
  }

  get mode(): ProxyMode {
    return this.#mode;
  }

  get counts(): ProxyCounts {
    return { accepted: this.#accepted, open: this.#pairs.size, dropped: this.#dropped };
  }

  /** Stop passing bytes; hold every connection silent; accept new ones without reaching the server. */
  blackhole(): void {
    this.#mode = 'blackhole';
  }

  /** Pass bytes again, including those held while black-holed; connect the connections that waited. */
  forward(): void {
    this.#mode = 'forward';
    for (const pair of this.#pairs) {
      if (pair.upstream === undefined) this.#connectUpstream(pair);
      else this.#flush(pair);
    }
  }

  /** Reset every open connection, both sides. */
  dropAll(): void {
    for (const pair of [...this.#pairs]) {
      this.#dropped += 1;
      this.#close(pair, true);
    }
  }

  /** Stop listening: new connects fail with ECONNREFUSED. Open connections are left alone. */
  async refuse(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listen again, on the same port, after `refuse()`. */
  async accept(): Promise<void> {
    if (this.#server === undefined) await this.#listen(this.#port);
  }

  /** Stop listening and reset every connection. */
  async close(): Promise<void> {
    this.dropAll();
    await this.refuse();
  }

  #listen(port: number): Promise<void> {
    const server = createServer((client) => this.#onClient(client));
    return new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        if (address !== null && typeof address === 'object') this.#port = address.port;
        this.#server = server;
        resolve();
      });
    });
  }

  #onClient(client: Socket): void {
    this.#accepted += 1;
    const pair: Pair = { client, upstream: undefined, toUpstream: [], toClient: [] };
    this.#pairs.add(pair);
    client.on('error', () => this.#close(pair, true));
    client.on('close', () => this.#close(pair, false));
    // Forwarded by hand rather than piped: pipe() resumes a paused source on 'drain', which would
    // let bytes through a black hole.
    client.on('data', (chunk: Buffer) => {
      pair.toUpstream.push(chunk);
      this.#flush(pair);
    });
    if (this.#mode === 'forward') this.#connectUpstream(pair);
  }

  #connectUpstream(pair: Pair): void {
    const upstream = createConnection({ host: this.#targetHost, port: this.#targetPort });
    pair.upstream = upstream;
    upstream.on('error', () => this.#close(pair, true));
    upstream.on('close', () => this.#close(pair, false));
    upstream.on('data', (chunk: Buffer) => {
      pair.toClient.push(chunk);
      this.#flush(pair);
    });
    upstream.on('connect', () => this.#flush(pair));
  }

  /** Passes the held bytes on, unless black-holed or the upstream is not connected yet. */
  #flush(pair: Pair): void {
    const upstream = pair.upstream;
    if (this.#mode !== 'forward' || upstream === undefined || upstream.connecting || upstream.destroyed) return;
    for (const chunk of pair.toUpstream.splice(0)) upstream.write(chunk);
    if (!pair.client.destroyed) for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk);
  }

  /** Ends both sides: `reset` sends RST (a crash); otherwise the other side sees an orderly close. */
  #close(pair: Pair, reset: boolean): void {
    if (!this.#pairs.delete(pair)) return;
    for (const socket of [pair.client, pair.upstream]) {
      if (socket === undefined || socket.destroyed) continue;
      if (reset && !socket.connecting) socket.resetAndDestroy();
      else socket.destroy();
    }
  }
}
