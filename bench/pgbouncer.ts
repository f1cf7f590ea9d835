import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionSettings } from '../src/adapter.js';

/** Where Debian's `pgbouncer` package puts the binary, if it is not on PATH. */
const BINARIES = ['pgbouncer', '/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'];
const START_TIMEOUT_MS = 10_000;

function findBinary(): string | undefined {
  return BINARIES.find((candidate) => spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0);
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
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A PgBouncer in transaction mode on a free loopback port, started for the benchmark and stopped
 * after it: trust authentication, one database entry pointing at the upstream server, a server
 * pool of `poolSize`. PgBouncer refuses to run as root, so as root it runs as `postgres`.
 */
export class PgBouncer {
  readonly port: number;
  readonly #dir: string;
  readonly #child: ChildProcess;

  private constructor(port: number, dir: string, child: ChildProcess) {
    this.port = port;
    this.#dir = dir;
    this.#child = child;
  }

  /** Starts one, or resolves to the reason it cannot (not installed, does not start). */
  static async start(upstream: ConnectionSettings, poolSize: number): Promise<PgBouncer | string> {
    const binary = findBinary();
    if (binary === undefined) return 'pgbouncer is not installed (apt-get install -y pgbouncer)';
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'unipool-bench-pgbouncer-'));
    // PgBouncer runs as another user when we are root: it must be able to read its files and write its log.
    chmodSync(dir, 0o777);
    const database = upstream.database ?? 'postgres';
    const user = upstream.user ?? 'postgres';
    writeFileSync(join(dir, 'userlist.txt'), `"${user}" ""\n`, { mode: 0o644 });
    writeFileSync(
      join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `${database} = host=${upstream.host ?? '127.0.0.1'} port=${upstream.port ?? 5432} dbname=${database} user=${user}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${join(dir, 'userlist.txt')}`,
        'pool_mode = transaction',
        `default_pool_size = ${poolSize}`,
        'max_client_conn = 2000',
        'server_reset_query =',
        'ignore_startup_parameters = extra_float_digits,options',
        `logfile = ${join(dir, 'pgbouncer.log')}`,
        `pidfile = ${join(dir, 'pgbouncer.pid')}`,
        '',
      ].join('\n'),
      { mode: 0o644 },
    );
    const ini = join(dir, 'pgbouncer.ini');
    const asRoot = process.getuid?.() === 0;
    const child = asRoot ? spawn('runuser', ['-u', 'postgres', '--', binary, ini], { stdio: 'ignore' }) : spawn(binary, [ini], { stdio: 'ignore' });
    const bouncer = new PgBouncer(port, dir, child);
    const deadline = performance.now() + START_TIMEOUT_MS;
    while (performance.now() < deadline) {
      if (child.exitCode !== null) break;
      if (await accepts(port)) return bouncer;
      await sleep(100);
    }
    const log = existsSync(join(dir, 'pgbouncer.log')) ? readFileSync(join(dir, 'pgbouncer.log'), 'utf8').trim().split('\n').slice(-3).join(' / ') : '';
    await bouncer.stop();
    return `pgbouncer did not start${log === '' ? '' : `: ${log}`}`;
  }

  /** Stops it (immediate shutdown) and removes its files. */
  async stop(): Promise<void> {
    const pidFile = join(this.#dir, 'pgbouncer.pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
    if (this.#child.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
      // SIGTERM is PgBouncer's immediate shutdown; runuser passes it on.
      this.#child.kill('SIGTERM');
      await Promise.race([exited, sleep(3000)]);
    }
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 0);
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
