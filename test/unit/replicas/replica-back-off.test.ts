import { expect } from 'chai';
import { AcquireTimeoutError, UnipoolError } from '../../../src/errors.js';
import { isReplicaDownError } from '../../../src/replicas/replica-down-error.js';
import { REPLICA_BACKOFF_INITIAL_MS, REPLICA_BACKOFF_MAX_MS, ReplicaHealth } from '../../../src/replicas/replica-health.js';

describe('replicas: health and back-off', () => {
  it('skips a replica for 1 s after it goes down, then allows exactly one probe', () => {
    const health = new ReplicaHealth(() => 0);
    expect(health.healthy).to.equal(true);
    expect(health.markDown(1000)).to.equal(REPLICA_BACKOFF_INITIAL_MS);
    expect(health).to.include({ healthy: false, downs: 1 });
    expect(health.probeDue(1999)).to.equal(false);
    expect(health.probeDue(2000)).to.equal(true);
    expect(health.probeDue(2001), 'one probe at a time').to.equal(false);
    health.probeEnded(true, 2010);
    expect(health.healthy).to.equal(true);
    expect(health.probeDue(99_999), 'a healthy replica needs no probe').to.equal(false);
  });

  it('doubles the wait per failed probe up to the cap, and counts one outage however many reads failed with it', () => {
    const health = new ReplicaHealth(() => 0);
    health.markDown(0);
    // 20 reads in flight fail together: the outage and its back-off are not lengthened by them.
    for (let i = 0; i < 20; i++) expect(health.markDown(i)).to.equal(undefined);
    expect(health.downs).to.equal(1);
    /** The first time (stepping 50 ms) a probe is due after `from`; that probe is claimed. */
    const nextProbe = (from: number): number => {
      let at = from;
      while (!health.probeDue(at)) at += 50;
      return at;
    };
    const waits: number[] = [];
    let last = 0;
    for (let i = 0; i < 7; i++) {
      const at = nextProbe(last);
      waits.push(at - last);
      health.probeEnded(false, at);
      last = at;
    }
    expect(waits).to.deep.equal([1000, 2000, 4000, 8000, REPLICA_BACKOFF_MAX_MS, REPLICA_BACKOFF_MAX_MS, REPLICA_BACKOFF_MAX_MS]);
    expect(health.downs).to.equal(1);
    health.probeEnded(true, nextProbe(last));
    health.markDown(100_000);
    expect(health.downs, 'a new outage after recovery').to.equal(2);
    expect(nextProbe(100_000) - 100_000, 'back to the first wait').to.equal(REPLICA_BACKOFF_INITIAL_MS);
  });

  it('shortens each wait by up to 25 % at random, so processes do not probe in step', () => {
    const health = new ReplicaHealth(() => 0.999);
    expect(health.markDown(0)).to.equal(750);
  });

  it('counts only unreachable servers and broken connections as a replica going down', () => {
    expect(isReplicaDownError(new UnipoolError('UNIPOOL_CONNECT_FAILED', 'x'))).to.equal(true);
    expect(isReplicaDownError(new UnipoolError('UNIPOOL_CONNECT_TIMEOUT', 'x'))).to.equal(true);
    expect(isReplicaDownError(new UnipoolError('UNIPOOL_CONNECTION_BROKEN', 'x'))).to.equal(true);
    expect(isReplicaDownError(new AcquireTimeoutError('x', new Error('ECONNREFUSED'))), 'a timeout caused by connect errors').to.equal(true);
    expect(isReplicaDownError(new AcquireTimeoutError('x', undefined)), 'a replica that is only busy').to.equal(false);
    expect(isReplicaDownError(new UnipoolError('UNIPOOL_INVALID_ARGUMENT', 'x'))).to.equal(false);
    expect(isReplicaDownError(Object.assign(new Error('syntax error'), { code: '42601' }))).to.equal(false);
  });
});
