import type { Capabilities, Engine } from '../../src/adapter.js';
import { code, generatedHeader, page, table, text } from './markdown.js';

/** One engine's capabilities, or why they could not be read. */
export interface EngineCapabilities {
  readonly engine: Engine;
  /** The driver package named in the adapter (`pg`, `mysql2`…). */
  readonly driverPackage?: string;
  readonly capabilities?: Capabilities;
  /** Set when the adapter module could not be loaded (it is being written, or failed to import). */
  readonly missing?: string;
}

/** Engines whose behaviour the CI suite does not exercise against a real server. */
const NOT_VERIFIED_IN_CI: ReadonlySet<Engine> = new Set<Engine>(['oracle']);

/** Engine display names, in matrix order. */
export const ENGINE_TITLES: Readonly<Record<Engine, string>> = {
  postgres: 'PostgreSQL',
  mysql: 'MySQL / MariaDB',
  sqlite: 'SQLite',
  oracle: 'Oracle',
};

interface Column {
  readonly key: keyof Capabilities;
  readonly title: string;
  readonly explain: string;
  readonly render: (c: Capabilities) => string;
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');
const ALL_ISOLATION_LEVELS = 4;

// Two matrices rather than one twelve-column table, each a row per engine: the values are too wide
// to fit one row on a page.
const TRANSACTION_COLUMNS: readonly Column[] = [
  { key: 'savepoints', title: 'Savepoints', explain: 'nested `atomic()` blocks use `SAVEPOINT` / `ROLLBACK TO`', render: (c) => yesNo(c.savepoints) },
  {
    key: 'isolationLevels',
    title: 'Isolation levels',
    explain: 'accepted by `atomic({ isolation })`',
    render: (c) => (c.isolationLevels.length === 0 ? 'none' : c.isolationLevels.length === ALL_ISOLATION_LEVELS ? 'all four' : c.isolationLevels.join(', ')),
  },
  { key: 'readOnlyTransactions', title: 'Read-only', explain: '`atomic({ readOnly: true })`', render: (c) => yesNo(c.readOnlyTransactions) },
  { key: 'manualTransactions', title: 'Manual `BEGIN` in a scope', explain: 'a hand-written `BEGIN … COMMIT` inside `scope()`/`session()` keeps its connection until the driver reports idle', render: (c) => yesNo(c.manualTransactions) },
  { key: 'transactionStateAccuracy', title: 'Transaction state', explain: '`exact`: every transaction change is seen; `partial`: see the notes', render: (c) => c.transactionStateAccuracy },
];

const QUERY_COLUMNS: readonly Column[] = [
  { key: 'placeholders', title: 'Placeholders', explain: 'what `db.query()` expects; `db.sql` writes them for you', render: (c) => code(c.placeholders) },
  { key: 'namedParameters', title: 'Named parameters', explain: '`{ name: value }` instead of an array', render: (c) => yesNo(c.namedParameters) },
  { key: 'serverSideCursors', title: 'Server-side cursors', explain: '`stream()` reads through a cursor on the server rather than a client-side row stream', render: (c) => yesNo(c.serverSideCursors) },
  { key: 'notifications', title: 'Notifications', explain: '`LISTEN`/`NOTIFY`-style server notifications: `db.listen()` and `db.notify()`', render: (c) => yesNo(c.notifications) },
  { key: 'readReplicas', title: 'Read replicas', explain: '`replicas` in the config and `db.replica` (a file database has none)', render: (c) => yesNo(c.readReplicas) },
  { key: 'pipelining', title: 'Pipelining', explain: 'the `pipeline` option: statements outside a transaction may share a connection while earlier ones are in flight', render: (c) => yesNo(c.pipelining) },
  { key: 'concurrentConnections', title: 'Concurrent connections', explain: 'more than one connection can be open at once', render: (c) => yesNo(c.concurrentConnections) },
  { key: 'maxIdentifierLength', title: 'Max identifier', explain: 'longest table/column name, as the server counts it', render: (c) => (c.maxIdentifierLength === 0 ? 'no limit' : String(c.maxIdentifierLength)) },
];

const CONNECTION_COLUMNS: readonly Column[] = [
  { key: 'tlsModes', title: 'TLS modes', explain: '`ssl.mode` values the driver honours (libpq\'s meanings); see [TLS](../how-to/tls.md)', render: (c) => (c.tlsModes.length === 0 ? 'none (a local file)' : c.tlsModes.map(code).join(', ')) },
  { key: 'passwordFunction', title: 'Password function', explain: '`password: () => string | Promise<string>`, called for every new connection; see [rotating credentials](../how-to/rotating-credentials.md)', render: (c) => yesNo(c.passwordFunction) },
];

const TOPOLOGY_COLUMNS: readonly Column[] = [
  { key: 'multiHost', title: 'Several hosts', explain: '`hosts` / multi-host URLs, tried in order for each new connection', render: (c) => yesNo(c.multiHost) },
  { key: 'targetSessionAttrs', title: '`targetSessionAttrs`', explain: 'the values the engine can check on a fresh connection', render: (c) => (c.targetSessionAttrs.length >= 6 ? 'all six' : c.targetSessionAttrs.map((v) => code(v)).join(', ')) },
];

const DETAILS: readonly { key: keyof Capabilities; title: string }[] = [
  { key: 'transactionStateSource', title: 'Transaction state read from' },
  { key: 'streamSource', title: '`stream()` implemented with' },
  { key: 'sessionReset', title: 'Session reset before reuse' },
  { key: 'sessionStateDetection', title: 'Session-state changes detected by' },
  { key: 'statementTimeout', title: '`statementTimeoutMs` enforced by' },
  { key: 'readOnlyEviction', title: 'Read-only server detected (connections evicted) by' },
];

function engineCell(entry: EngineCapabilities): string {
  const flag = NOT_VERIFIED_IN_CI.has(entry.engine) ? ' <Badge type="warning" text="not verified in CI" />' : '';
  return `**${ENGINE_TITLES[entry.engine]}** (${code(entry.engine)})${flag}`;
}

/**
 * One engine's capabilities as a two-column table (every column of both matrices), then its
 * details and notes: the fragment its engine page includes.
 */
export function renderEngineCapabilities(entry: EngineCapabilities): string {
  if (entry.capabilities === undefined) return `::: info Not generated yet\nThe adapter could not be loaded when this page was generated (${entry.missing ?? 'not found'}).\n:::`;
  const c = entry.capabilities;
  const rows = [...TRANSACTION_COLUMNS, ...QUERY_COLUMNS, ...CONNECTION_COLUMNS, ...TOPOLOGY_COLUMNS].map((col) => [`**${col.title}** — ${col.explain}`, col.render(c)]);
  const details = DETAILS.map((d) => [`**${d.title}**`, text(String(c[d.key]))]);
  return page([
    table(['Capability', ENGINE_TITLES[entry.engine]], [...rows, ...details]),
    c.notes.length > 0 && c.notes.map((n) => `- ${text(n)}`).join('\n'),
    'All engines side by side: the [capability matrix](../reference/capabilities.md).',
  ]).trimEnd();
}

/** `docs/reference/capabilities.md`: a row per engine, from each adapter's `capabilities` object. */
export function renderCapabilities(entries: readonly EngineCapabilities[]): string {
  const present = entries.filter((e): e is EngineCapabilities & { capabilities: Capabilities } => e.capabilities !== undefined);
  const missing = entries.filter((e) => e.capabilities === undefined);

  const matrix = (columns: readonly Column[]): string =>
    page([
      table(['Engine', ...columns.map((c) => c.title)], entries.map((e) => [engineCell(e), ...columns.map((c) => (e.capabilities ? c.render(e.capabilities) : 'adapter not available yet'))])),
      columns.map((c) => `- **${c.title}** — ${c.explain}.`).join('\n'),
    ]).trimEnd();

  const notes = present.map((e) => {
    const header = `### ${ENGINE_TITLES[e.engine]}`;
    const driver = e.driverPackage ? `Driver: ${code(e.driverPackage)} (install it next to unipool). See also the [${ENGINE_TITLES[e.engine]} engine page](../engines/${e.engine}.md).` : '';
    const ci = NOT_VERIFIED_IN_CI.has(e.engine)
      ? '::: warning Not verified in CI\nThere is no Oracle server in the project\'s CI. The adapter is written against the `oracledb` Thin-mode documentation and unit-tested, but the contract suite does not run against a real Oracle Database. Please report anything that differs.\n:::'
      : '';
    const details = table(['Aspect', ENGINE_TITLES[e.engine]], DETAILS.map((d) => [`**${d.title}**`, text(String(e.capabilities[d.key]))]));
    const list = e.capabilities.notes.length > 0 ? e.capabilities.notes.map((n) => `- ${text(n)}`).join('\n') : '_No notes._';
    return page([header, driver, ci, details, list]).trimEnd();
  });

  return page([
    '---\ntitle: Capability matrix\npageClass: wide-tables\naside: false\n---',
    generatedHeader("each adapter's `capabilities` object (adapters/<engine>/index.ts)"),
    '# Capability matrix',
    'What each engine supports, read from the `capabilities` object its adapter declares — the same object the contract test suite uses to decide what to run, so this table and the tests cannot disagree.',
    '## Transactions',
    matrix(TRANSACTION_COLUMNS),
    '## Queries and connections',
    matrix(QUERY_COLUMNS),
    '## Security',
    matrix(CONNECTION_COLUMNS),
    '## Several hosts and failover',
    'See [Survive a failover](../how-to/failover.md).',
    matrix(TOPOLOGY_COLUMNS),
    missing.length > 0 && `::: info Not generated yet\nThe adapter for ${missing.map((m) => `${code(m.engine)} (${m.missing ?? 'not found'})`).join(', ')} could not be loaded when this page was generated.\n:::`,
    present.length > 0 && '## How each engine is handled',
    ...notes,
  ]);
}
