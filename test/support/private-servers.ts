/**
 * Throw-away PostgreSQL and MariaDB servers for fault tests that must stop and restart a server.
 * The shared servers on 5432/3306 serve every other suite at the same time and are never touched;
 * each private server lives in its own temp directory on a free loopback port, and is stopped and
 * deleted by `destroy()` — or, if the test process dies first, by an exit hook.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** What a private PostgreSQL server is started with, beyond the defaults. */
export interface PrivatePostgresOptions {
  /** Server settings (postgresql.conf lines), e.g. `{ ssl: 'on', ssl_cert_file: 'server.crt' }`; relative file names are read from the data directory. */
  readonly settings?: Readonly<Record<string, string | number>>;
  /** The whole pg_hba.conf, one rule per line (default: initdb's, trusting every local client, replication included). */
  readonly hba?: readonly string[];
  /** Files written into the data directory before the server starts (owned by the server's OS user, mode 0600), e.g. a key and certificate. */
  readonly files?: Readonly<Record<string, string>>;
}

/** A private PostgreSQL server: a `PrivateServer` that can also be reconfigured and promoted. */
export interface PrivatePostgres extends PrivateServer {
  readonly engine: 'postgres';
  /** The data directory. */
  readonly dataDir: string;
  /** Merges `settings` into the server's own settings file; they apply at the next `start()` (or `reload()` for those that can). */
  setSettings(settings: Readonly<Record<string, string | number>>): void;
  /** Replaces pg_hba.conf; applies at the next `start()` or `reload()`. */
  setHba(lines: readonly string[]): void;
  /** Writes a file into the data directory (owned by the server's OS user, mode 0600). */
  writeFile(name: string, content: string): void;
  /** Asks the running server to re-read its settings and pg_hba.conf. */
  reload(): Promise<void>;
  /** Ends recovery on a standby: it becomes a primary that accepts writes. Resolves once it has. */
  promote(): Promise<void>;
}

/** Settings kept in a file of their own, included from postgresql.conf, so that `setSettings` can rewrite them (pg_basebackup copies both to a standby). */
const SETTINGS_FILE = 'unipool-test.conf';

/**
 * A PostgreSQL server of its own: `initdb` into a temp directory (trust auth, no fsync — it holds
 * nothing worth keeping), started with `pg_ctl` on a free port, its socket in the same directory.
 */
export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const { dir, data } = postgresDirectory('unipool-faults-pg-');
  const [initCommand, initArgs] = asPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  return startPostgresIn(bin, dir, data, options, async () => {
    await run(initCommand, initArgs, 'initdb');
    appendFileSync(join(data, 'postgresql.conf'), `\ninclude_if_exists = '${SETTINGS_FILE}'\n`);
  });
}

/**
 * A streaming-replication standby of `primary` (which must be running): `pg_basebackup -R` into a
 * temp directory, started on a free port of its own. It answers reads (`pg_is_in_recovery()` is
 * true) and refuses writes (SQLSTATE 25006) until `promote()`. It inherits the primary's settings,
 * pg_hba.conf and files; `options` are applied on top.
 */
export async function startPrivateStandby(primary: PrivatePostgres, options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const { dir, data } = postgresDirectory('unipool-faults-standby-');
  const [command, args] = asPostgres(join(bin, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', data, '-R', '-X', 'stream', '--no-sync', '-c', 'fast']);
  return startPostgresIn(bin, dir, data, options, () => run(command, args, 'pg_basebackup'));
}

/** A temp directory owned by the server's OS user, for one server's data directory and socket. */
function postgresDirectory(prefix: string): { dir: string; data: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  return { dir, data: join(dir, 'data') };
}

/** Creates the data directory with `create`, applies `options`, starts the server, and returns its handle. */
async function startPostgresIn(bin: string, dir: string, data: string, options: PrivatePostgresOptions, create: () => Promise<void>): Promise<PrivatePostgres> {
  const port = await freePort();
  const pgCtl = (...args: string[]): Promise<void> => {
    const [command, argv] = asPostgres(join(bin, 'pg_ctl'), ['-D', data, ...args]);
    return run(command, argv, 'pg_ctl');
  };
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
  const writeOwned = (name: string, content: string): void => {
    const path = join(data, name);
    writeFileSync(path, content, { mode: 0o600 });
    chmodSync(path, 0o600);
    if (process.getuid?.() === 0) {
      const { uid, gid } = postgresUser();
      chownSync(path, uid, gid);
    }
  };
  const settingsPath = join(data, SETTINGS_FILE);
  try {
    await create();
    const server: PrivatePostgres = {
      engine: 'postgres',
      port,
      dataDir: data,
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      setSettings(settings) {
        const current = existsSync(settingsPath) ? readFileSync(settingsPath, 'utf8') : '';
        const merged = new Map(current.split('\n').filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()]));
        for (const [key, value] of Object.entries(settings)) merged.set(key, typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`);
        writeOwned(SETTINGS_FILE, [...merged].map(([key, value]) => `${key} = ${value}`).join('\n') + '\n');
      },
      setHba(lines) {
        writeOwned('pg_hba.conf', lines.join('\n') + '\n');
      },
      writeFile: writeOwned,
      async reload() {
        await pgCtl('reload');
      },
      async promote() {
        await pgCtl('-w', 'promote');
      },
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
    for (const [name, content] of Object.entries(options.files ?? {})) writeOwned(name, content);
    if (options.settings !== undefined) server.setSettings(options.settings);
    if (options.hba !== undefined) server.setHba(options.hba);
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

/** What a private MariaDB server is started with, beyond the defaults: `args` are more mariadbd options, e.g. `--ssl-cert=/path`, `--require-secure-transport=ON`. */
export interface PrivateMariadbOptions {
  readonly args?: readonly string[];
}

/**
 * A MariaDB server of its own: `mariadb-install-db` into a temp directory (root without a password),
 * `mariadbd` on a free port with its socket in that directory, no binary log, a small buffer pool.
 * `--no-defaults` keeps the machine's my.cnf (datadir, port, socket of the shared server) out of it.
 */
/** The bootstrap (mariadb-install-db) running now, if any: the next one waits for it. */
let installing: Promise<unknown> = Promise.resolve();

export async function startPrivateMariadb(options: PrivateMariadbOptions = {}): Promise<PrivateServer> {
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
    mkdirSync(join(dir, 'tmp'));
    // One at a time, each with a temp directory of its own: two bootstraps side by side in the
    // shared /tmp have failed with "Unknown table 'mysql.tmp_user_sys'".
    const installed = installing.then(() => run('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, `--tmpdir=${join(dir, 'tmp')}`, ...asRoot, '--auth-root-authentication-method=normal', '--skip-test-db'], 'mariadb-install-db'));
    installing = installed.catch(() => undefined);
    await installed;
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
            `--pid-file=${join(dir, 'pid')}`, `--log-error=${join(dir, 'err.log')}`, `--tmpdir=${join(dir, 'tmp')}`, ...asRoot,
            '--innodb-buffer-pool-size=16M', '--skip-log-bin', '--max-connections=300', ...(options.args ?? []),
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
