import { expect } from 'chai';
import { BURST_HEADROOM, checkLimit, sizePool } from '../../../src/metrics/doctor/pool-sizing.js';

describe('doctor: max × instances against the server limit', () => {
  it('is ok up to 80 % of the limit, a warning above, an error over it', () => {
    expect(checkLimit(10, 8, 100)).to.include({ demand: 80, share: 0.8, verdict: 'ok' });
    expect(checkLimit(10, 9, 100)).to.include({ demand: 90, verdict: 'warning' });
    expect(checkLimit(10, 10, 100)).to.include({ demand: 100, share: 1, verdict: 'warning' });
    expect(checkLimit(10, 11, 100)).to.include({ demand: 110, verdict: 'error' });
    expect(checkLimit(10, 1000, 151)).to.include({ demand: 10_000, verdict: 'error' });
  });

  it('suggests the largest max per instance that keeps the fleet within 80 %', () => {
    expect(checkLimit(10, 20, 100).maxPerInstance).to.equal(4);
    expect(checkLimit(10, 3, 97).maxPerInstance).to.equal(25);
    expect(checkLimit(10, 1000, 100).maxPerInstance, 'never below 1').to.equal(1);
  });

  it('treats a limit of 0 as exceeded', () => {
    expect(checkLimit(1, 1, 0).verdict).to.equal('error');
  });
});

describe("doctor: pool size from Little's law", () => {
  it('averages rate × hold over the instances and suggests twice that, rounded up', () => {
    const advice = sizePool(400, 6, 1, 10);
    expect(advice.averageInUse).to.be.closeTo(2.4, 1e-9);
    expect(advice.suggestedMax).to.equal(Math.ceil(2.4 * BURST_HEADROOM));
    expect(sizePool(4000, 6, 20, 10).averageInUse).to.be.closeTo(1.2, 1e-9);
  });

  it('warns when max is below the average (the queue grows without bound)', () => {
    const advice = sizePool(1000, 50, 1, 10);
    expect(advice.averageInUse).to.equal(50);
    expect(advice).to.include({ suggestedMax: 100, verdict: 'warning' });
    expect(advice.advice).to.include('more than pool.max 10: requests will queue');
  });

  it('warns when max is above the average but below the suggestion', () => {
    expect(sizePool(100, 60, 1, 8)).to.include({ suggestedMax: 12, verdict: 'warning' });
  });

  it('is ok when max covers the suggestion, and says when it is far larger', () => {
    expect(sizePool(100, 20, 1, 4)).to.include({ suggestedMax: 4, verdict: 'ok' });
    const generous = sizePool(10, 5, 1, 50);
    expect(generous).to.include({ suggestedMax: 1, verdict: 'ok' });
    expect(generous.advice).to.include('is generous');
  });
});
