import { expect } from 'chai';
import { StatementLru } from '../../../src/statement-lru.js';

describe('StatementLru: a bounded cache that evicts the least recently used statement (CLOCK)', () => {
  it('returns what it cached and evicts the least recently used when full', () => {
    const cache = new StatementLru<string>(2);
    expect(cache.add('a', 'A')).to.equal(undefined);
    expect(cache.add('b', 'B')).to.equal(undefined);
    expect(cache.get('a')).to.equal('A'); // a is now the newest, b the oldest
    expect(cache.add('c', 'C')).to.equal('B');
    expect(cache.get('b')).to.equal(undefined);
    expect(cache.get('a')).to.equal('A');
    expect(cache.get('c')).to.equal('C');
    expect(cache.size).to.equal(2);
  });

  it('gives a used entry a second chance and evicts the oldest unused one', () => {
    const cache = new StatementLru<string>(2);
    cache.add('a', 'A');
    cache.add('b', 'B');
    for (let i = 0; i < 3; i++) expect(cache.get('b')).to.equal('B');
    expect(cache.add('c', 'C')).to.equal('A');
    expect(cache.delete('c')).to.equal(true);
    cache.add('d', 'D');
    expect(cache.get('b')).to.equal('B');
    expect(cache.add('e', 'E')).to.equal('D');
  });

  it('keeps nothing with capacity 0: add hands the statement straight back', () => {
    const cache = new StatementLru<string>(0);
    expect(cache.add('a', 'A')).to.equal('A');
    expect(cache.get('a')).to.equal(undefined);
    expect(cache.size).to.equal(0);
  });

  it('stays within its capacity over 10,000 distinct statements, and clear() returns what it held', () => {
    const cache = new StatementLru<number>(100);
    let evicted = 0;
    for (let i = 0; i < 10_000; i++) if (cache.add(`SELECT ${i}`, i) !== undefined) evicted++;
    expect(cache.size).to.equal(100);
    expect(evicted).to.equal(9_900);
    expect(cache.clear()).to.deep.equal(Array.from({ length: 100 }, (_, i) => 9_900 + i));
    expect(cache.size).to.equal(0);
  });
});
