import { expect } from 'chai';
import type { ConnectionsNeeded, ContenderResult, WorkloadResult } from '../../../src/cli/bench/bench-result.js';
import { neededText, workloadTable } from '../../../src/cli/bench/report-tables.js';
import { renderMarkdownTable, renderTextTable } from '../../../src/cli/bench/render-table.js';

function contender(id: string, opsPerSec: number, ratio: number | null): ContenderResult {
  return {
    id,
    label: id,
    ops: opsPerSec * 4,
    opsPerSec,
    roundOpsPerSec: [opsPerSec],
    ratio,
    latencyMs: { p50: 1.25, p99: 4, mean: 1.5, max: 9 },
    errors: 0,
    cpuUsPerOp: 41.6,
    peakInUse: 10,
    peakServerConnections: null,
    peakServerBusy: null,
  };
}

const needed = (over: Partial<ConnectionsNeeded>): ConnectionsNeeded => ({ contender: 'x', label: 'x', max: null, largestTried: 0, atLeast: null, bestPerSec: 0, plateauMax: null, ...over });

describe('bench: report tables', () => {
  it('mark the baseline, give the other rows their ratio, and leave out server columns nobody measured', () => {
    const w1: WorkloadResult = {
      workload: 'w1', engine: 'sqlite', title: 'W1 hot path', concurrency: 64, max: 10, rounds: 2, durationMs: 1000, baseline: 'raw', skipped: [],
      contenders: [contender('raw', 12000, null), contender('unipool-asap', 11640, 0.97)],
    };
    const table = workloadTable(w1);
    expect(table.headers).to.deep.equal(['contender', 'queries/s', 'vs raw (median of rounds)', 'p50 ms', 'p99 ms', 'CPU µs/op', 'peak in use', 'errors']);
    expect(table.rows).to.deep.equal([
      ['raw', '12,000', '(baseline)', '1.3', '4.0', '42', '10', '0'],
      ['unipool-asap', '11,640', '0.97×', '1.3', '4.0', '42', '10', '0'],
    ]);
  });

  it('show how many loops a pool starved, only when one did', () => {
    const w3: WorkloadResult = {
      workload: 'w3', engine: 'mysql', title: 'W3 transactions', concurrency: 64, max: 10, rounds: 2, durationMs: 1000, baseline: 'raw', skipped: [],
      contenders: [{ ...contender('raw', 4500, null), starvedLoops: 0 }, { ...contender('mariadb', 5200, 1.16), starvedLoops: 54 }, contender('old', 4000, 0.9)],
    };
    const table = workloadTable(w3);
    expect(table.headers).to.include('loops starved');
    const column = table.headers.indexOf('loops starved');
    expect(table.rows.map((row) => row[column])).to.deep.equal(['0 of 64', '54 of 64', '–']);
    const fair = workloadTable({ ...w3, contenders: [{ ...contender('raw', 4500, null), starvedLoops: 0 }] });
    expect(fair.headers).to.not.include('loops starved');
  });

  it('say how a W2 connection count was obtained', () => {
    expect(neededText(needed({ max: 3, largestTried: 3 }))).to.equal('3');
    expect(neededText(needed({ largestTried: 50, atLeast: 186 }))).to.equal('> 50 (≥ 186)');
    expect(neededText(needed({ atLeast: 190 }))).to.equal('≥ 190');
    expect(neededText(needed({ largestTried: 10, plateauMax: 2, bestPerSec: 3400 }))).to.equal('2 (CPU-bound)');
    expect(neededText(undefined)).to.equal('–');
  });

  it('line up text columns and escape pipes in Markdown', () => {
    const table = { headers: ['name', 'n'], rows: [['a|b', '1'], ['long name', '1,000']], align: ['left', 'right'] as const };
    expect(renderTextTable(table)).to.equal(['name           n', '─────────  ─────', 'a|b            1', 'long name  1,000'].join('\n'));
    expect(renderMarkdownTable(table)).to.equal(['| name | n |', '| --- | ---: |', '| a\\|b | 1 |', '| long name | 1,000 |'].join('\n'));
  });
});
