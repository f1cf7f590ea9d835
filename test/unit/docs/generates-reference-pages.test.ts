import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Capabilities } from '../../../src/adapter.js';
import { ErrorCodes } from '../../../src/errors.js';
import { CHANNELS, METRICS } from '../../../src/metrics/metric-definitions.js';
import { renderBenchmarks } from '../../../scripts/docs/render-benchmarks.js';
import { renderCapabilities } from '../../../scripts/docs/render-capabilities.js';
import { renderConfiguration, type SchemaNode } from '../../../scripts/docs/render-configuration.js';
import { renderErrors } from '../../../scripts/docs/render-errors.js';
import { renderEnginePoolOptions } from '../../../scripts/docs/render-engine-parts.js';
import { renderMetrics } from '../../../scripts/docs/render-metrics.js';
import { linkErrorCodes, table, text } from '../../../scripts/docs/markdown.js';

const capabilities: Capabilities = {
  transactionStateSource: 'status()',
  transactionStateAccuracy: 'exact',
  savepoints: true,
  isolationLevels: ['serializable'],
  readOnlyTransactions: false,
  insertId: false,
  serverSideCursors: true,
  streamSource: 'cursor',
  sessionReset: 'RESET ALL',
  sessionStateDetection: 'tags',
  statementTimeout: 'SET timeout',
  notifications: false,
  placeholders: '?',
  namedParameters: false,
  maxIdentifierLength: 64,
  concurrentConnections: true,
  manualTransactions: true,
  readReplicas: true,
  tlsModes: ['disable', 'verify-full'],
  passwordFunction: true,
  multiHost: true,
  targetSessionAttrs: ['any', 'read-write'],
  readOnlyEviction: 'code 1',
  pipelining: false,
  notes: ['Uses <angle> brackets | and a pipe.'],
};

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('docs: reference page generators', () => {
  it('write a table per object of the schema, following $ref into $defs, and an anchored section per option', () => {
    const schema: SchemaNode = {
      description: 'Aliases.',
      type: 'object',
      required: ['default'],
      properties: { default: { $ref: '#/$defs/database' } },
      additionalProperties: { $ref: '#/$defs/database' },
      $defs: {
        database: {
          title: 'DatabaseConfig',
          type: 'object',
          required: ['engine'],
          properties: {
            engine: { enum: ['postgres', 'sqlite'], description: 'Which engine.' },
            url: { type: 'string', description: 'Like sqlite:<path>.' },
            pool: { $ref: '#/$defs/pool' },
          },
        },
        pool: {
          title: 'PoolConfig',
          type: 'object',
          properties: { max: { type: 'integer', minimum: 1, maximum: 100, default: 10, description: 'Upper limit.' } },
        },
      },
    };
    const md = renderConfiguration(schema);
    expect(md).to.include('## DatabaseConfig {#database}');
    expect(md).to.include('## PoolConfig {#pool}');
    expect(md).to.include('| [`engine`](#database-engine) | `"postgres"`, `"sqlite"` | — |');
    expect(md).to.include('### `engine` {#database-engine}\n\nType: `"postgres"`, `"sqlite"` · Default: —\n\n**Required.** Which engine.\n');
    expect(md).to.include('| [`pool`](#database-pool) | object — see [PoolConfig](#pool) |');
    expect(md).to.include('| [`max`](#pool-max) | integer ≥ 1, ≤ 100 | `10` |');
    expect(md).to.include('### `max` {#pool-max}\n\nType: integer ≥ 1, ≤ 100 · Default: `10`\n\nUpper limit.\n');
    expect(md, 'angle brackets must not reach Vue as a tag').to.include('sqlite:&lt;path&gt;');
  });

  it('say "Required." once when the schema description says it too', () => {
    const md = renderConfiguration({ type: 'object', required: ['default'], properties: { default: { type: 'string', description: 'The default database. Required.' } } });
    expect(md).to.include('**Required.** The default database.\n');
    expect(md.match(/Required\./g)).to.have.length(1);
  });

  it('write each engine a row per pool option, with its default and effect there, linking the reference and the error codes', () => {
    const schema = JSON.parse(readFileSync(join(root, 'schema/databases.schema.json'), 'utf8')) as SchemaNode;
    const options = Object.keys(schema.$defs?.['pool']?.properties ?? {});
    expect(options).to.include.members(['max', 'acquireTimeoutMs', 'maxWaiting']);
    for (const engine of ['postgres', 'mysql', 'sqlite', 'oracle'] as const) {
      const md = renderEnginePoolOptions(engine, schema);
      for (const option of options) expect(md, `${engine}: ${option}`).to.include(`| [\`${option}\`](../reference/configuration.md#pool-${option.toLowerCase()}) |`);
      expect(md).to.include('[`UNIPOOL_ACQUIRE_TIMEOUT`](../reference/errors.md#unipool_acquire_timeout)');
      // The SQLite-only rule appears on the SQLite page only.
      if (engine === 'sqlite') expect(md).to.include('`1` (`:memory:`)');
      else expect(md, engine).not.to.include('SQLite');
    }
  });

  it('link a bare error code once, leaving one already linked alone', () => {
    expect(linkErrorCodes('before UNIPOOL_QUEUE_FULL is thrown', './errors.md')).to.equal('before [`UNIPOOL_QUEUE_FULL`](./errors.md#unipool_queue_full) is thrown');
    expect(linkErrorCodes('a `UNIPOOL_POOL_CLOSED` error', './errors.md')).to.equal('a [`UNIPOOL_POOL_CLOSED`](./errors.md#unipool_pool_closed) error');
    const linked = '[`UNIPOOL_POOL_CLOSED`](./errors.md#unipool_pool_closed)';
    expect(linkErrorCodes(linked, './errors.md')).to.equal(linked);
  });

  it('refuse a $ref that is not in $defs, naming it', () => {
    expect(() => renderConfiguration({ properties: { a: { $ref: '#/$defs/missing' } } })).to.throw('"#/$defs/missing" is not in the schema\'s $defs');
  });

  it('write a capability row per engine, mark Oracle as not verified in CI, and list the notes', () => {
    const md = renderCapabilities([
      { engine: 'postgres', driverPackage: 'pg', capabilities },
      { engine: 'oracle', driverPackage: 'oracledb', capabilities },
      { engine: 'mysql', missing: 'not written' },
    ]);
    const matrices = md.split('\n## ').filter((section) => section.includes('| Engine |'));
    expect(matrices, 'four matrices: transactions, queries and connections, security, several hosts').to.have.length(4);
    expect(md).to.include('`disable`, `verify-full`');
    for (const matrix of matrices) {
      const rows = matrix.split('\n').filter((l) => l.startsWith('| **'));
      expect(rows.map((r) => /\(`(\w+)`\)/.exec(r)?.[1])).to.deep.equal(['postgres', 'oracle', 'mysql']);
      expect(rows[1]).to.include('<Badge type="warning" text="not verified in CI" />');
      expect(rows[2]).to.include('adapter not available yet');
    }
    expect(md).to.include('- Uses &lt;angle&gt; brackets | and a pipe.');
    expect(md).to.include('`mysql` (not written)');
    expect(md).to.include('| **Read-only server detected (connections evicted) by** | code 1 |');
    expect(md).to.match(/\| \*\*PostgreSQL\*\* \(`postgres`\) \| yes \| `any`, `read-write` \|/);
  });

  it('write one anchored section per error code, with its cause and a fix', () => {
    const md = renderErrors();
    for (const code of Object.keys(ErrorCodes)) {
      const section = md.split(`## \`${code}\` {#${code.toLowerCase()}}\n\n`)[1]?.split('\n## ')[0];
      expect(section, code).to.be.a('string');
      expect(section).to.match(/^\*\*Cause\.\*\* .+\n\n\*\*Fix\.\*\* .+/);
      expect(section, `${code} has its own fix`).not.to.include('The message says what happened and what to change.');
    }
  });

  it('write every metric and channel', () => {
    const md = renderMetrics();
    for (const m of METRICS) expect(md).to.include(`| \`${m.name}\` | ${m.type} |`);
    for (const c of CHANNELS) expect(md).to.include(`| \`${c.name}\` |`);
  });

  it('escape pipes and newlines inside table cells', () => {
    expect(table(['a'], [['x | y\nz']])).to.equal('| a |\n|---|\n| x \\| y z |');
    expect(text('a <b> `c <d>`')).to.equal('a &lt;b&gt; `c <d>`');
  });

  describe('benchmarks page', () => {
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'unipool-docs-'));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('says plainly that no results are committed when bench/results is empty', () => {
      const [page, ...rest] = renderBenchmarks(root);
      expect(page?.path).to.equal('docs/benchmarks.md');
      expect(String(page?.content)).to.include('No benchmark results are committed to the repository yet');
      expect(rest).to.deep.equal([]);
    });

    it('includes latest.md without its title and copies the charts to docs/public/bench', () => {
      mkdirSync(join(root, 'bench/results'), { recursive: true });
      writeFileSync(join(root, 'bench/results/latest.md'), '# Results\n\n| workload | ratio |\n|---|---|\n| W2 | 4.1× |\n');
      writeFileSync(join(root, 'bench/results/w2-external-call.svg'), '<svg/>');
      const [page, chart] = renderBenchmarks(root);
      expect(String(page?.content)).to.include('| W2 | 4.1× |');
      expect(String(page?.content).split('\n'), 'one h1 per page').not.to.include('# Results');
      expect(String(page?.content)).to.include('![w2 external call](/bench/w2-external-call.svg)');
      expect(chart?.path).to.equal('docs/public/bench/w2-external-call.svg');
      expect(String(chart?.content)).to.equal('<svg/>');
    });
  });
});
