/**
 * Throw-away PostgreSQL and MariaDB servers for fault tests that must stop and restart a server.
 * The shared servers on 5432/3306 serve every other suite at the same time and are never touched;
 * each private server lives in its own temp directory on a free loopback port, and is stopped and
 * deleted by `destroy()` — or, if the test process dies first, by an exit hook.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How a server goes down: `fast` lets it say goodbye to its clients, `immediate` kills it. */
export type StopMode = 'fast' | 'immediate';

/** A private server under the test's control. */
export interface PrivateServer {
  readonly engine: 'postgres' | 'mysql';
  readonly port: number;
  /** A unipool `url` for this server (no password: the private servers trust local clients). */
  readonly url: string;
  /** Stops the server; connections die with it. */
  stop(mode: StopMode): Promise<void>;
  /** Starts it again on the same port and data directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it (immediately) and deletes its directory. Safe to call twice. */
  destroy(): Promise<void>;
}

/** Cleanup of every server still alive, run if the process exits without `destroy()`. */
const alive = new Set<() => void>();
process.on('exit', () => {
  for (const cleanup of alive) cleanup();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = address !== null && typeof address === 'object' ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on `port` (the server is up). */
async function untilListening(port: number, what: string, died: () => string | undefined = () => undefined, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const death = died();
    if (death !== undefined) throw new Error(`${what} exited while starting: ${death}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} did not accept connections on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs a command to its end without blocking the event loop (the pools under test keep running). */
function run(command: string, args: readonly string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    proc.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${what} could not run (${command}): ${error.message}`));
    });
    proc.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${what} failed (${command} ${args.join(' ')}), exit ${code}: ${output.slice(-2000)}`));
    });
  });
}

/** The newest PostgreSQL server binaries installed, e.g. /usr/lib/postgresql/15/bin. */
function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions[0] === undefined) throw new Error('private PostgreSQL: no initdb under /usr/lib/postgresql/*/bin; install the PostgreSQL server package');
  return join(root, versions[0], 'bin');
}

/** initdb and the server refuse to run as root: as root, run them as the `postgres` OS user. */
function asPostgres(command: string, args: readonly string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, [...args]];
}

/**
 * A PostgreSQL server of its own: `initdb` into a temp directory (trust auth, no fsync — it holds
 * nothing worth keeping), started with `pg_ctl` on a free port, its socket in the same directory.
 */
export async function startPrivatePostgres(): Promise<PrivateServer> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'unipool-faults-pg-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  const pgCtl = (...args: string[]): Promise<void> => {
    const [command, argv] = asPostgres(join(bin, 'pg_ctl'), ['-D', data, ...args]);
    return run(command, argv, 'pg_ctl');
  };
  const [initCommand, initArgs] = asPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  let running = false;
  const killNow = (): void => {
    // Synchronous, for the exit hook: SIGQUIT is PostgreSQL's immediate shutdown.
    const pid = postmasterPid(data);
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  alive.add(killNow);
  try {
    await run(initCommand, initArgs, 'initdb');
    const server: PrivateServer = {
      engine: 'postgres',
      port,
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      async stop(mode) {
        if (!running) return;
        await pgCtl('-m', mode, '-w', 'stop');
        running = false;
      },
      async start() {
        if (running) return;
        await pgCtl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, '-l', join(dir, 'log'), '-w', 'start');
        running = true;
        await untilListening(port, 'private PostgreSQL');
      },
      async destroy() {
        if (!alive.delete(killNow)) return;
        try {
          await server.stop('immediate');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
    await server.start();
    return server;
  } catch (error) {
    alive.delete(killNow);
    killNow();
    throw error;
  }
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.startsWith('postgres:'));
  const fields = line?.split(':');
  if (fields === undefined || fields[2] === undefined || fields[3] === undefined) throw new Error('private PostgreSQL: there is no "postgres" OS user to run the server as');
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

function postmasterPid(data: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A MariaDB server of its own: `mariadb-install-db` into a temp directory (root without a password),
 * `mariadbd` on a free port with its socket in that directory, no binary log, a small buffer pool.
 * `--no-defaults` keeps the machine's my.cnf (datadir, port, socket of the shared server) out of it.
 */
export async function startPrivateMariadb(): Promise<PrivateServer> {
  const dir = mkdtempSync(join(tmpdir(), 'unipool-faults-maria-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  let child: ChildProcess | undefined;
  const killNow = (): void => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  alive.add(killNow);
  const exited = (proc: ChildProcess): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
    // The child is unref'd: a timer keeps the process alive until its exit is seen.
    const keepAlive = setInterval(() => {}, 1000);
    return new Promise((resolve) =>
      proc.once('exit', () => {
        clearInterval(keepAlive);
        resolve();
      }),
    );
  };
  try {
    await run('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, ...asRoot, '--auth-root-authentication-method=normal', '--skip-test-db'], 'mariadb-install-db');
    const server: PrivateServer = {
      engine: 'mysql',
      port,
      url: `mysql://root@127.0.0.1:${port}/mysql`,
      async stop(mode) {
        const proc = child;
        if (proc === undefined) return;
        child = undefined;
        proc.kill(mode === 'immediate' ? 'SIGKILL' : 'SIGTERM');
        await exited(proc);
      },
      async start() {
        if (child !== undefined) return;
        const proc = spawn(
          'mariadbd',
          [
            '--no-defaults', `--datadir=${data}`, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${join(dir, 'sock')}`,
            `--pid-file=${join(dir, 'pid')}`, `--log-error=${join(dir, 'err.log')}`, ...asRoot,
            '--innodb-buffer-pool-size=16M', '--skip-log-bin', '--max-connections=300',
          ],
          { stdio: 'ignore' },
        );
        // The test process must be able to end while the server runs; destroy() stops it.
        proc.unref();
        child = proc;
        const log = join(dir, 'err.log');
        await untilListening(port, 'private MariaDB', () =>
          proc.exitCode !== null || proc.signalCode !== null ? (existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : `exit ${proc.exitCode ?? proc.signalCode}`) : undefined,
        );
      },
      async destroy() {
        if (!alive.delete(killNow)) return;
        try {
          await server.stop('immediate');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
    await server.start();
    return server;
  } catch (error) {
    alive.delete(killNow);
    killNow();
    throw error;
  }
}
