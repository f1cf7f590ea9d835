import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { PeakSampler } from '../../../src/cli/bench/peak-sampler.js';

describe('bench: the peak sampler', () => {
  let clock: ReturnType<typeof FakeTimers.install>;
  beforeEach(() => {
    clock = FakeTimers.install({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('keeps the largest value of each gauge, including the last sample taken when stopping', async () => {
    const values = [3, 7, 2, 9];
    let n = 0;
    const sampler = new PeakSampler(() => ({ inUse: values[Math.min(n++, values.length - 1)] ?? 0, other: 1 }), 10);
    sampler.start();
    await clock.tickAsync(20);
    expect(await sampler.stop()).to.deep.equal({ inUse: 9, other: 1 });
  });

  it('never runs two server samples at once, and skips a failed one', async () => {
    let running = 0;
    let most = 0;
    let calls = 0;
    const sampler = new PeakSampler(async () => {
      calls += 1;
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 25));
      running -= 1;
      if (calls === 2) throw new Error('server gone');
      return { open: calls };
    }, 10);
    sampler.start();
    await clock.tickAsync(100);
    const stopping = sampler.stop();
    await clock.tickAsync(50);
    const peaks = await stopping;
    expect(most).to.equal(1);
    expect(sampler.failures).to.equal(1);
    expect(peaks.open).to.equal(calls);
  });

  it('reports no value for a gauge that was never sampled', async () => {
    const sampler = new PeakSampler((): { open: number } => {
      throw new Error('not connected');
    }, 10);
    sampler.start();
    await clock.tickAsync(30);
    expect(await sampler.stop()).to.deep.equal({});
    expect(sampler.failures).to.be.greaterThan(0);
  });
});
