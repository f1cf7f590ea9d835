import { expect } from 'chai';
import { runClosedLoop } from '../../../src/cli/bench/closed-loop.js';

// Windows of 100–200 ms rather than a few: on a loaded machine the process can be paused for tens
// of milliseconds, and a pause longer than the whole window leaves nothing inside it to count.

describe('bench: the closed loop', () => {
  it('ends, with well-formed figures, even when the operation never yields to the event loop', async () => {
    const result = await runClosedLoop({ concurrency: 4, durationMs: 200, warmupMs: 5, op: () => Promise.resolve() });
    expect(result.ops).to.be.greaterThan(0);
    expect(result.errors).to.equal(0);
    expect(result.firstError).to.equal(undefined);
    expect(result.latency.count).to.equal(result.ops);
    expect(result.elapsedMs).to.be.greaterThan(0);
    expect(result.cpuUs).to.be.at.least(0);
    expect(result.starvedLoops).to.equal(0);
  });

  it('counts the loops an unfair pool starved (a caller that gives its connection back and takes it again at once)', async () => {
    // A one-connection "pool" where the releasing caller barges ahead of the waiting ones: the
    // waiters are let through only once the window has closed.
    let busy = false;
    let gateOpen = false;
    const waiters: (() => void)[] = [];
    const result = await runClosedLoop({
      concurrency: 3,
      durationMs: 100,
      warmupMs: 2,
      op: async () => {
        if (busy && !gateOpen) await new Promise<void>((resolve) => waiters.push(resolve));
        busy = true;
        await Promise.resolve();
        busy = false;
      },
      onMeasureEnd: () => {
        gateOpen = true;
        for (const wake of waiters.splice(0)) wake();
      },
    });
    expect(result.ops).to.be.greaterThan(0);
    expect(result.starvedLoops).to.equal(2);
  });

  it('counts failures apart from completions and keeps the first message', async () => {
    const result = await runClosedLoop({
      concurrency: 1,
      durationMs: 100,
      op: (i) => (i % 2 === 1 ? Promise.reject(new Error(`odd ${i}`)) : Promise.resolve()),
    });
    expect(result.errors).to.be.greaterThan(0);
    expect(result.firstError).to.equal('odd 1');
    expect(result.ops).to.be.greaterThan(0);
  });

  it('gives up after maxErrors failures instead of spinning for the whole duration', async () => {
    const result = await runClosedLoop({ concurrency: 1, durationMs: 60_000, maxErrors: 5, op: () => Promise.reject(new Error('refused')) });
    expect(result.errors).to.equal(5);
    expect(result.ops).to.equal(0);
    expect(result.firstError).to.equal('refused');
  });

  it('hands every loop a distinct counter and opens and closes the window once each', async () => {
    const seen: number[] = [];
    const events: string[] = [];
    await runClosedLoop({
      concurrency: 3,
      durationMs: 10,
      warmupMs: 2,
      op: async (i) => void seen.push(i),
      onMeasureStart: () => events.push('start'),
      onMeasureEnd: () => events.push('end'),
    });
    expect(new Set(seen).size).to.equal(seen.length);
    expect(events).to.deep.equal(['start', 'end']);
  });

  it('adds its latencies to a histogram passed in, so rounds can be merged', async () => {
    const { Histogram } = await import('../../../src/metrics/histogram.js');
    const latency = new Histogram();
    const first = await runClosedLoop({ concurrency: 2, durationMs: 5, op: () => Promise.resolve(), latency });
    const second = await runClosedLoop({ concurrency: 2, durationMs: 5, op: () => Promise.resolve(), latency });
    expect(latency.count).to.equal(first.ops + second.ops);
  });
});
