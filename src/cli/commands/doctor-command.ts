import type { CliCommand } from '../cli-command.js';

/** `unipool doctor [config] [--instances N] [--rate R --hold-ms H] [--json]`: check each database's server. */
export const doctorCommand: CliCommand = {
  name: 'doctor',
  // Options are listed in the help; a longer synopsis would widen the whole command list.
  synopsis: '[config]',
  summary: 'Connect to each database: version, ping, its connection limit against max × instances, advice',
  help: `Full form: unipool doctor [config] [--instances N] [--rate R --hold-ms H] [--json]

Opens one connection per configured database through unipool's adapter (closed at the end) and
reports: reachable or not, server version, ping latency (median of 5), the server's connection
limit and how many connections are open now, pool.max × --instances against that limit, the
engine's capabilities, and advice.

Connection limit: PostgreSQL max_connections (less superuser_reserved_connections for other
users, or a role/database CONNECTION LIMIT); MySQL/MariaDB max_connections (or the account's
max_user_connections) and Threads_connected; Oracle min(processes, sessions) from v$parameter
when the user may read it; SQLite has none. Verdict: ok, warning above 80 % of the limit, error
over it.

Arguments:
  config           As for "unipool check". Default: the one unipool.config.* in the current directory.

Options:
  --instances N    Application instances sharing each server (default 1)
  --rate R         Requests per second across all instances; with --hold-ms, sizes the pool
                   by Little's law: connections in use ≈ R / N × H / 1000, suggested max 2× that
  --hold-ms H      Milliseconds one request holds a connection (with release-ASAP: its queries'
                   time, or its atomic() block's)
  --json           Print the report as JSON on stdout
  -h, --help

Exit codes: 0 every database reachable and within its server's limit (warnings allowed); 1 a
database unreachable, a diagnostic query failed, a server limit exceeded, or an invalid config;
2 usage error. Passwords never appear in the output.`,

  run(args, context) {
    // Loaded when the command runs, so `unipool --help` and the other commands do not load it.
    return import('./run-doctor-command.js').then(({ runDoctorCommand }) => runDoctorCommand(args, context));
  },
};
