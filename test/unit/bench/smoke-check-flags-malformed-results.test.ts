import { expect } from 'chai';
import { checkReport } from '../../../bench/check-report.js';
import { BENCH_SCHEMA_VERSION, type BenchReport, type ContenderResult, type WorkloadResult } from '../../../src/cli/bench/bench-result.js';

const contender = (id: string, over: Partial<ContenderResult> = {}): ContenderResult => ({
  id,
  label: id,
  ops: 100,
  opsPerSec: 500,
  roundOpsPerSec: [500],
  ratio: id === 'raw' ? null : 0.9,
  latencyMs: { p50: 1, p99: 3, mean: 1.2, max: 5 },
  errors: 0,
  cpuUsPerOp: 40,
  peakInUse: 10,
  peakServerConnections: 10,
  peakServerBusy: 2,
  ...over,
});

const w1 = (contenders: ContenderResult[]): WorkloadResult => ({ workload: 'w1', engine: 'postgres', title: 'W1 hot path', concurrency: 64, max: 10, rounds: 1, durationMs: 200, baseline: 'raw', contenders, skipped: [] });

const report = (workloads: WorkloadResult[]): BenchReport => ({
  schemaVersion: BENCH_SCHEMA_VERSION,
  date: '2026-11-22T05:00:00.000Z',
  mode: 'smoke',
  machine: { cpus: 2, cpuModel: 'x', memoryGiB: 8, platform: 'linux', arch: 'x64', node: '20.20.2', loadAverage: 1 },
  packages: { unipool: '0.1.0' },
  servers: {},
  workloads,
  notes: [],
});

describe('bench --smoke: the well-formedness check', () => {
  it('accepts complete results, whatever the speed', () => {
    const slow = contender('unipool-asap', { opsPerSec: 0.5, ratio: 0.001 });
    expect(checkReport(report([w1([contender('raw'), slow])]), ['w1 postgres'])).to.deep.equal([]);
  });

  it('reports a missing workload, a contender that completed nothing, and impossible figures', () => {
    const problems = checkReport(
      report([w1([contender('raw'), contender('knex', { ops: 0, firstError: 'ECONNREFUSED' }), contender('unipool-asap', { latencyMs: { p50: 5, p99: 1, mean: 2, max: 5 }, cpuUsPerOp: Number.NaN })])]),
      ['w1 postgres', 'w3 postgres'],
    );
    expect(problems).to.deep.equal([
      'w3 postgres: missing',
      'w1 postgres knex: no operations completed (ECONNREFUSED)',
      'w1 postgres unipool-asap: cpuUsPerOp is NaN',
      'w1 postgres unipool-asap: p99 below p50',
    ]);
  });

  it('requires the W2 bound, sweep and connection figures', () => {
    const w2: WorkloadResult = { ...w1([contender('unipool-request'), contender('unipool-asap')]), workload: 'w2', baseline: 'unipool-request' };
    expect(checkReport(report([w2]), [])).to.deep.equal(['w2 postgres: no concurrency bound', 'w2 postgres: empty sweep', 'w2 postgres: no connections-needed figure for unipool-asap']);
  });
});
