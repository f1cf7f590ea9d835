import { expect } from 'chai';
import { installClock, makeEngine, type Clock } from './pool-harness.js';

describe('pool engine: maxUses retires a connection after N checkouts', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('closes the connection when its Nth checkout is released', async () => {
    const { engine, destroyReasons } = makeEngine({ max: 1, maxUses: 3 });
    const ids: number[] = [];
    const uses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const conn = await engine.acquire();
      ids.push(conn.id);
      uses.push(conn.uses);
      engine.release(conn);
    }
    expect(ids).to.deep.equal([1, 1, 1, 2]);
    expect(uses).to.deep.equal([1, 2, 3, 1]);
    expect(destroyReasons()).to.deep.equal(['max-uses']);
  });

  it('never retires for uses when maxUses is 0', async () => {
    const { engine, factory } = makeEngine({ max: 1, maxUses: 0 });
    for (let i = 0; i < 100; i++) engine.release(await engine.acquire());
    expect(factory.created).to.have.length(1);
  });
});
