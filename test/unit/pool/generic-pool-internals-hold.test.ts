import { expect } from 'chai';
import genericPool from 'generic-pool';
import { createRequire } from 'node:module';
import { GENERIC_POOL_MEMBERS, GpLoan, type GpInternals, type GpPooledResource } from '../../../src/pool/generic-pool-internals.js';

/*
 * The engine drives private members of generic-pool 3.9.0 (declared in src/pool/generic-pool-internals.ts, used in src/pool/inner-pool.ts). Each test
 * below pins the behaviour of one of them on the installed generic-pool, so an upgrade that renames
 * or changes one fails here, by name, instead of misbehaving in production.
 */

interface Conn {
  readonly n: number;
  closed: boolean;
}

function openPool(options: { min?: number; max?: number; fifo?: boolean } = {}): { gp: GpInternals<Conn>; destroyed: Conn[] } {
  let next = 0;
  const destroyed: Conn[] = [];
  const factory = {
    create: async (): Promise<Conn> => ({ n: ++next, closed: false }),
    destroy: async (conn: Conn): Promise<void> => {
      conn.closed = true;
      destroyed.push(conn);
    },
  };
  const gp = genericPool.createPool(factory, { min: options.min ?? 0, max: options.max ?? 4, fifo: options.fifo ?? false, autostart: false, evictionRunIntervalMillis: 0 }) as GpInternals<Conn>;
  return { gp, destroyed };
}

async function settle(gp: GpInternals<Conn>): Promise<void> {
  await Promise.allSettled([...gp._factoryCreateOperations]);
  await new Promise((resolve) => setImmediate(resolve));
}

/** Creates `count` idle resources through the private create path. */
async function createIdle(gp: GpInternals<Conn>, count: number): Promise<void> {
  for (let i = 0; i < count; i++) gp._createResource();
  await settle(gp);
}

describe('generic-pool internals the engine relies on (pinned to 3.9.0)', () => {
  it('is generic-pool 3.9.0, the version these members were read from', () => {
    const version = (createRequire(import.meta.url)('generic-pool/package.json') as { version: string }).version;
    expect(version).to.equal('3.9.0');
  });

  it('has every member the engine touches', () => {
    const { gp } = openPool();
    for (const name of GENERIC_POOL_MEMBERS) expect(gp[name], name).not.to.equal(undefined);
  });

  it('_started: false until start(), true after', () => {
    const { gp } = openPool();
    expect(gp._started).to.equal(false);
    gp.start();
    expect(gp._started).to.equal(true);
  });

  it('_draining: false until drain() begins, then true', async () => {
    const { gp } = openPool();
    gp.start();
    expect(gp._draining).to.equal(false);
    const draining = gp.drain();
    expect(gp._draining).to.equal(true);
    await draining;
  });

  it('_createResource(): one create in _factoryCreateOperations, then a resource in _allObjects and the idle list', async () => {
    const { gp } = openPool();
    gp._createResource();
    expect(gp._factoryCreateOperations.size).to.equal(1);
    await settle(gp);
    expect(gp._factoryCreateOperations.size).to.equal(0);
    expect(gp._allObjects.size).to.equal(1);
    expect(gp._availableObjects.length).to.equal(1);
  });

  it('_factoryCreateOperations: a Set of the promises of creates in flight', async () => {
    const { gp } = openPool();
    gp._createResource();
    const [operation] = [...gp._factoryCreateOperations];
    expect(operation).to.be.instanceOf(Promise);
    await settle(gp);
  });

  it("_allObjects: a Set of PooledResources with obj, test() and a state that reads 'IDLE' when idle and 'ALLOCATED' when lent", async () => {
    const { gp } = openPool();
    await createIdle(gp, 1);
    const [pooled] = [...gp._allObjects] as GpPooledResource<Conn>[];
    expect(pooled!.obj.n).to.equal(1);
    expect(pooled!.test).to.be.a('function');
    // The engine writes these two states directly instead of calling allocate()/deallocate().
    expect(pooled!.state).to.equal('IDLE');
    const lent = await gp.acquire();
    expect(lent).to.equal(pooled!.obj);
    expect(pooled!.state).to.equal('ALLOCATED');
    await gp.release(lent);
  });

  it('_availableObjects: a deque with length, shift(), push(), unshift() and _list.head/.next/.data.obj and _list.remove(node)', async () => {
    const { gp } = openPool();
    await createIdle(gp, 3);
    const list = gp._availableObjects._list;
    const seen: number[] = [];
    for (let node = list.head; node !== null; node = node.next) seen.push(node.data.obj.n);
    expect(seen).to.have.members([1, 2, 3]);
    list.remove(list.head!);
    expect(gp._availableObjects.length).to.equal(2);
    const taken = gp._availableObjects.shift()!;
    expect(taken.obj.n).to.be.a('number');
    expect(gp._availableObjects.length).to.equal(1);
    gp._availableObjects.push(taken);
    expect(gp._availableObjects.length).to.equal(2);
    expect(gp._availableObjects.shift()).to.not.equal(taken);
    gp._availableObjects.unshift(taken);
    expect(gp._availableObjects.shift()).to.equal(taken);
  });

  it('_addPooledResourceToAvailableObjects(): LIFO puts it at the head, FIFO at the tail', async () => {
    for (const fifo of [false, true]) {
      const { gp } = openPool({ fifo });
      await createIdle(gp, 2);
      const taken = gp._availableObjects.shift()!;
      gp._addPooledResourceToAvailableObjects(taken);
      const head = gp._availableObjects._list.head!.data;
      expect(head === taken, `fifo ${fifo}`).to.equal(!fifo);
    }
  });

  it('_testOnBorrowResources: a Set generic-pool counts as busy', () => {
    const { gp } = openPool();
    expect(gp._testOnBorrowResources).to.be.instanceOf(Set);
    expect(gp._testOnBorrowResources.size).to.equal(0);
  });

  it('_resourceLoans: a Map from the lent object to a loan with pooledResource; release() resolves the loan', async () => {
    const { gp } = openPool();
    gp.start();
    const conn = await gp.acquire();
    const loan = gp._resourceLoans.get(conn) as unknown as { pooledResource: GpPooledResource<Conn>; resolve(): void };
    expect(loan.pooledResource.obj).to.equal(conn);
    await gp.release(conn);
    expect(gp._resourceLoans.has(conn)).to.equal(false);
  });

  it("accepts the engine's loan records: generic-pool's release(), destroy() and drain() work with them", async () => {
    const { gp, destroyed } = openPool();
    await createIdle(gp, 2);
    const lend = (): Conn => {
      const pooled = gp._availableObjects.shift()!;
      gp._resourceLoans.set(pooled.obj, new GpLoan(pooled));
      pooled.state = 'ALLOCATED';
      return pooled.obj;
    };
    const a = lend();
    await gp.release(a);
    const b = lend();
    await gp.destroy(b);
    expect(destroyed).to.deep.equal([b]);
    const c = lend();
    let drained = false;
    const draining = gp.drain().then(() => (drained = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained, 'drain() waits for the lent connection').to.equal(false);
    await gp.release(c);
    await draining;
    expect(drained).to.equal(true);
  });

  it('_destroy(): removes a resource from _allObjects and calls the factory destroy', async () => {
    const { gp, destroyed } = openPool();
    await createIdle(gp, 1);
    const pooled = gp._availableObjects.shift()!;
    gp._destroy(pooled);
    expect(gp._allObjects.size).to.equal(0);
    await settle(gp);
    expect(destroyed.map((conn) => conn.n)).to.deep.equal([1]);
  });

  it('_ensureMinimum(): starts creates up to min once started', async () => {
    const { gp } = openPool({ min: 2 });
    gp.start();
    gp._ensureMinimum();
    await settle(gp);
    expect(gp._allObjects.size).to.equal(2);
  });

  it('_dispense(): called once a create has settled (the engine replaces it to serve its own queue)', async () => {
    const { gp } = openPool();
    let calls = 0;
    gp._dispense = () => {
      calls += 1;
    };
    gp._createResource();
    await settle(gp);
    expect(calls).to.be.at.least(1);
  });
});
