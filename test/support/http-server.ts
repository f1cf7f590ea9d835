import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Connect/Express-style middleware (`dbs.middleware()` has this shape). */
export type ConnectMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** A route handler; a throw (or rejection) answers 500 with the error's message. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** A real `node:http` server on 127.0.0.1 running one middleware before the handler. */
export interface TestHttpServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Closes the server and every open socket. */
  close(): Promise<void>;
}

/** The answer to one request. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** Starts a server on a free loopback port: each request runs `middleware`, then `handler` in its `next`. */
export async function startHttpServer(middleware: ConnectMiddleware, handler: Handler): Promise<TestHttpServer> {
  const server: Server = createServer((req, res) => {
    middleware(req, res, (error) => {
      if (error !== undefined) {
        res.statusCode = 500;
        res.end(String(error));
        return;
      }
      Promise.resolve()
        .then(() => handler(req, res))
        .catch((failure: unknown) => {
          if (res.headersSent || res.destroyed) return;
          res.statusCode = 500;
          res.end(failure instanceof Error ? failure.message : String(failure));
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** GET `url` and read the whole answer. `agent: false`: one socket per request, nothing kept alive. */
export function get(url: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * GET `url` and destroy the socket once `abortWhen` resolves, before any answer arrives — a client
 * that gave up. Resolves when the socket is closed on our side.
 */
export function getAndAbort(url: string, abortWhen: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false });
    req.on('error', () => undefined);
    req.on('close', () => resolve());
    req.end();
    void abortWhen.then(() => req.destroy());
  });
}
