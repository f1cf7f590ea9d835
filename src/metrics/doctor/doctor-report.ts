import type { Capabilities } from '../../adapter.js';
import type { DatabaseDiagnosis } from './diagnose-database.js';

/** Everything `unipool doctor` found, as `--json` prints it. */
export interface DoctorReport {
  /** True when no database is unreachable or over its server's limit (exit code 0). */
  readonly ok: boolean;
  readonly file: string;
  readonly instances: number;
  readonly ratePerSecond: number | undefined;
  readonly holdMs: number | undefined;
  readonly databases: readonly DatabaseDiagnosis[];
}

/** The report as JSON (capability notes left out: they are prose for the docs, not data). */
export function renderJson(report: DoctorReport): string {
  const databases = report.databases.map((db) => {
    const { notes: _notes, ...capabilities } = db.capabilities;
    return { ...db, capabilities };
  });
  return `${JSON.stringify({ ...report, databases }, (_key, value: unknown) => (value === undefined ? null : value), 2)}\n`;
}

/** A replica is listed under its database's alias, marked as such. */
function nameOf(db: DatabaseDiagnosis): string {
  return db.role === 'replica' ? `${db.alias} (replica)` : db.alias;
}

/** The report for people: one table row per database, then each database's details and advice. */
export function renderHuman(report: DoctorReport): string {
  const n = report.instances;
  const header = ['DATABASE', 'ENGINE', 'SERVER', 'PING', 'LIMIT', 'OPEN NOW', `MAX × ${n}`, 'VERDICT'];
  const rows = report.databases.map((db) => [
    nameOf(db),
    db.engine,
    db.server?.version ?? (db.reachable ? 'query failed' : 'unreachable'),
    db.pingMs === undefined ? '-' : `${formatMs(db.pingMs)} ms`,
    db.connections?.limit.toString() ?? (db.server?.limit === undefined && db.reachable ? 'n/a' : '-'),
    db.connections?.inUse?.toString() ?? (db.server?.limit === undefined && db.reachable ? 'n/a' : '-'),
    String(db.pool.max * n),
    verdictText(db),
  ]);
  const lines = [
    `unipool doctor: ${report.file} — ${count(report.databases.length, 'database')}, ${count(n, 'instance')}` +
      (report.ratePerSecond === undefined ? '' : `, ${report.ratePerSecond} req/s × ${report.holdMs ?? 0} ms held`),
    '',
    ...table([header, ...rows]),
  ];
  for (const db of report.databases) lines.push('', ...details(db));
  lines.push('', summary(report));
  return `${lines.join('\n')}\n`;
}

function details(db: DatabaseDiagnosis): string[] {
  const lines = [`${nameOf(db)} — ${db.target}`];
  const field = (name: string, text: string): void => {
    lines.push(`  ${(name === '' ? '' : `${name}:`).padEnd(14)}${text}`);
  };
  if (db.error !== undefined) field('error', db.error);
  if (db.server !== undefined) {
    const notes = db.server.notes.length > 0 ? `; ${db.server.notes.join('; ')}` : '';
    field('server', `${db.server.version}, ping ${formatMs(db.pingMs ?? 0)} ms (median of 5)${notes}`);
    const c = db.connections;
    if (c === undefined) field('connections', `limit ${db.server.limitNote ?? 'unknown'}; pool.max ${db.pool.max}`);
    else field('connections', `limit ${c.limit} (${c.source}); ${c.inUse === undefined ? 'open now unknown' : `${c.inUse} open now`}; pool.max ${db.pool.max} × ${count(c.instances, 'instance')} = ${c.demand} (${Math.round(c.share * 100)} % of the limit)`);
  }
  field('capabilities', summarizeCapabilities(db.capabilities));
  if (db.advice.length === 0) field('advice', 'none');
  for (const [i, text] of db.advice.entries()) field(i === 0 ? 'advice' : '', `- ${text}`);
  return lines;
}

/** One line: what the engine supports, in the words of the capability matrix. */
export function summarizeCapabilities(c: Capabilities): string {
  return [
    c.savepoints ? 'savepoints' : 'no savepoints',
    `isolation ${c.isolationLevels.join('/')}`,
    c.readOnlyTransactions ? 'read-only transactions' : 'no read-only transactions',
    c.serverSideCursors ? `server-side cursors (${c.streamSource})` : `client-side streaming (${c.streamSource})`,
    ...(c.notifications ? ['notifications'] : []),
    `session reset ${c.sessionReset}`,
    `transaction state ${c.transactionStateAccuracy}`,
    ...(c.concurrentConnections ? [] : ['one connection at a time']),
  ].join('; ');
}

function verdictText(db: DatabaseDiagnosis): string {
  if (!db.reachable) return 'ERROR unreachable';
  const share = db.connections === undefined ? '' : ` (${Math.round(db.connections.share * 100)} %)`;
  return db.verdict === 'error' ? `ERROR${share}` : `${db.verdict}${share}`;
}

function summary(report: DoctorReport): string {
  const errors = report.databases.filter((db) => db.verdict === 'error');
  const warnings = report.databases.filter((db) => db.verdict === 'warning');
  if (errors.length > 0) {
    const names = errors.map((db) => `${db.alias} (${db.reachable ? (db.connections?.verdict === 'error' ? 'over the server limit' : 'query failed') : 'unreachable'})`);
    return `✗ ${errors.length} of ${count(report.databases.length, 'database')} failed: ${names.join(', ')}`;
  }
  if (warnings.length > 0) return `! ${count(report.databases.length, 'database')} reachable; warnings for ${warnings.map((db) => db.alias).join(', ')} — see the advice`;
  return `✓ ${count(report.databases.length, 'database')} ok`;
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  '));
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}
