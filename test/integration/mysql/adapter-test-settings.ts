import type { ConnectionSettings } from '../../../src/adapter.js';
import { mysqlAdapter, type MysqlConnection } from '../../../adapters/mysql/index.js';

/** Connection settings of the test server (MariaDB 10.11 on 127.0.0.1:3306, root, no password). */
export function mysqlSettings(overrides: Partial<Omit<ConnectionSettings, 'password'>> & { password?: string } = {}): ConnectionSettings {
  const { password, ...rest } = overrides;
  const settings = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test', options: {}, ...rest };
  // The core hands adapters a non-enumerable password; do the same so tests see what the core sees.
  Object.defineProperty(settings, 'password', { value: password, enumerable: false });
  return settings as ConnectionSettings;
}

/** Connections the current test opened, closed after each test. */
const opened: MysqlConnection[] = [];

/** Errors passed to `onBroken`, per connection. */
export const brokenReports = new WeakMap<MysqlConnection, unknown[]>();

/** Opens a connection through the adapter, closed automatically after the test. */
export async function openConnection(overrides: Parameters<typeof mysqlSettings>[0] = {}): Promise<MysqlConnection> {
  const reports: unknown[] = [];
  const conn = await mysqlAdapter.connect(mysqlSettings(overrides), { timeoutMs: 5000, onBroken: (error) => reports.push(error) });
  brokenReports.set(conn, reports);
  opened.push(conn);
  return conn;
}

/** Closes every connection opened by `openConnection` (wired with `afterEach`). */
export async function closeOpened(): Promise<void> {
  await Promise.all(opened.splice(0).map((conn) => mysqlAdapter.close(conn).catch(() => undefined)));
}

/** The first row of a query, through the adapter. */
export async function firstRow(conn: MysqlConnection, sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>> {
  const { rows } = await mysqlAdapter.query(conn, sql, params);
  const row = rows[0];
  if (row === undefined) throw new Error(`no row from ${sql}`);
  return row;
}

/** `n` rows (1…n, column `n`) without a table; cross-joined because the server caps recursion at 1000 iterations. */
export function seriesSql(n: number): string {
  return `WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 999) SELECT a.n * 1000 + b.n + 1 AS n FROM s a CROSS JOIN s b WHERE a.n < ${Math.ceil(n / 1000)} AND a.n * 1000 + b.n < ${n} ORDER BY n`;
}
