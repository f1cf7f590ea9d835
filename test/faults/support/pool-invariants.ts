import { expect } from 'chai';
import type { PoolStats } from '../../../src/index.js';

/** The pool's numbers agree with each other: `size == idle + inUse`, `0 ≤ size ≤ max`. */
export function expectConsistent(stats: PoolStats, where: string): void {
  const numbers = `size=${stats.size} idle=${stats.idle} inUse=${stats.inUse} waiting=${stats.waiting} max=${stats.max}`;
  expect(stats.size, `${where}: ${numbers}`).to.equal(stats.idle + stats.inUse);
  expect(stats.size, `${where}: ${numbers}`).to.be.within(0, stats.max);
  expect(stats.idle, `${where}: ${numbers}`).to.be.at.least(0);
  expect(stats.inUse, `${where}: ${numbers}`).to.be.at.least(0);
  expect(stats.waiting, `${where}: ${numbers}`).to.be.at.least(0);
}

/** Nothing is checked out or waiting, and the numbers agree. */
export function expectQuiet(stats: PoolStats, where: string): void {
  expectConsistent(stats, where);
  expect(stats.inUse, `${where}: a lease is still outstanding`).to.equal(0);
  expect(stats.waiting, `${where}: a caller is still waiting`).to.equal(0);
}

/** Resolves after `ms` real milliseconds. */
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
