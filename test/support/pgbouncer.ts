import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The command the test script runs to install PgBouncer (Debian/Ubuntu). */
export const PGBOUNCER_INSTALL = 'apt-get update && apt-get install -y pgbouncer';

/** How to start a private PgBouncer. */
export interface PgBouncerOptions {
  /** Default `transaction`. */
  readonly poolMode?: 'transaction' | 'session' | 'statement';
  /** Server connections per database/user pair (PgBouncer's `default_pool_size`). Default 5. */
  readonly defaultPoolSize?: number;
  /** Extra `[pgbouncer]` settings, written as `key = value`. */
  readonly settings?: Readonly<Record<string, string | number>>;
  /** PostgreSQL the `test` database points at. Default 127.0.0.1:5432, database `test`. */
  readonly upstream?: { readonly host: string; readonly port: number; readonly dbname: string };
}

/** A running private PgBouncer. */
export interface RunningPgBouncer {
  readonly port: number;
  readonly pid: number;
  /** `postgres://postgres@127.0.0.1:<port>/test` (the only database configured, besides the admin console `pgbouncer`). */
  readonly url: string;
  /** What PgBouncer wrote to stderr so far (its log), for failure messages. */
  log(): string;
  /** Stops it (SIGTERM, SIGKILL after 2 s), waits until the process is gone, removes the temp dir. */
  stop(): Promise<void>;
}

const SEARCH_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'];

/** The pgbouncer binary, or an error that says how to install it (a missing binary must fail the suite, not skip it). */
export function findPgBouncer(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SEARCH_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, 'pgbouncer');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  throw new Error(`pgbouncer is not installed (looked in ${[...new Set(dirs)].join(', ')}). Install it: ${PGBOUNCER_INSTALL}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** PgBouncer refuses to run as root; started as root it must switch to an unprivileged account. */
function unprivilegedUser(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync('/etc/passwd', 'utf8');
  for (const name of ['postgres', 'nobody']) if (passwd.split('\n').some((line) => line.startsWith(`${name}:`))) return name;
  throw new Error('pgbouncer refuses to run as root and neither a "postgres" nor a "nobody" account exists to switch to');
}

function iniFor(port: number, dir: string, options: PgBouncerOptions): string {
  const upstream = options.upstream ?? { host: '127.0.0.1', port: 5432, dbname: 'test' };
  const user = unprivilegedUser();
  const settings: Record<string, string | number> = {
    listen_addr: '127.0.0.1',
    listen_port: port,
    // No Unix socket: the default (/tmp/.s.PGSQL.<port>) could collide with other servers' sockets.
    unix_socket_dir: '',
    auth_type: 'trust',
    // trust still looks the user up in auth_file.
    auth_file: join(dir, 'users.txt'),
    admin_users: 'postgres',
    pool_mode: options.poolMode ?? 'transaction',
    default_pool_size: options.defaultPoolSize ?? 5,
    max_client_conn: 200,
    logfile: '',
    pidfile: '',
    ...(user === undefined ? {} : { user }),
    ...options.settings,
  };
  const lines = Object.entries(settings).map(([key, value]) => `${key} = ${value}`);
  return `[databases]\ntest = host=${upstream.host} port=${upstream.port} dbname=${upstream.dbname}\n\n[pgbouncer]\n${lines.join('\n')}\n`;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startOnce(binary: string, options: PgBouncerOptions): Promise<RunningPgBouncer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'unipool-pgbouncer-'));
  // The unprivileged account PgBouncer switches to must read the ini and the auth file.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n', { mode: 0o644 });
  writeFileSync(join(dir, 'pgbouncer.ini'), iniFor(port, dir, options), { mode: 0o644 });

  const child = spawn(binary, [join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const append = (chunk: Buffer): void => {
    log = (log + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const pid = child.pid;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        timer.unref();
        await exited(child);
        clearTimeout(timer);
      }
      if (pid !== undefined && isAlive(pid)) throw new Error(`pgbouncer (pid ${pid}) is still running after stop()`);
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const deadline = Date.now() + 5000;
  for (;;) {
    const failed = await Promise.race([spawnError, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 25))]);
    if (failed !== undefined) {
      await stop();
      throw new Error(`could not start ${binary}: ${failed.message}. Install it: ${PGBOUNCER_INSTALL}`);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`pgbouncer exited at start (code ${String(child.exitCode)}):\n${log}`);
    }
    if (await accepts(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`pgbouncer did not accept connections on 127.0.0.1:${port} within 5 s:\n${log}`);
    }
  }
  return {
    port,
    pid: child.pid as number,
    url: `postgres://postgres@127.0.0.1:${port}/test`,
    log: () => log,
    stop,
  };
}

/**
 * Starts a private PgBouncer on a free loopback port (transaction pooling by default) in front of the
 * shared test server, and waits until it accepts connections. Retries once if another process
 * took the port between choosing and binding it.
 */
export async function startPgBouncer(options: PgBouncerOptions = {}): Promise<RunningPgBouncer> {
  const binary = findPgBouncer();
  try {
    return await startOnce(binary, options);
  } catch (error) {
    if (!String((error as Error).message).includes('Address already in use')) throw error;
    return startOnce(binary, options);
  }
}

/** A private PgBouncer for the calling `describe` (started before its tests, stopped after them), handed to `use`. */
export function usePgBouncer(options: PgBouncerOptions, use: (bouncer: RunningPgBouncer) => void): void {
  let bouncer: RunningPgBouncer | undefined;
  before(async () => {
    bouncer = await startPgBouncer(options);
    use(bouncer);
  });
  after(async () => {
    await bouncer?.stop();
  });
}
