import { expect } from 'chai';
import { createProgress } from '../../../src/cli/bench/bench-progress.js';

function sink(): { write(text: string): void; text(): string } {
  let out = '';
  return { write: (text: string) => void (out += text), text: () => out };
}

describe('bench: progress on stderr', () => {
  it('writes plain lines, without control characters, when stderr is not a terminal', () => {
    const out = sink();
    const progress = createProgress(out, false);
    progress.note('unipool bench on a temporary SQLite file');
    progress.start('W1: pg.Pool (round 1/2)', 1000);
    progress.finish('12,000 q/s');
    expect(out.text()).to.equal('unipool bench on a temporary SQLite file\nW1: pg.Pool (round 1/2) … 12,000 q/s\n');
  });

  it('draws a bar with a percentage on a terminal and replaces it with the result', () => {
    const out = sink();
    const progress = createProgress(out, true);
    progress.start('W2: unipool (asap)', 60_000);
    progress.finish('3,700 req/s');
    const text = out.text();
    expect(text.startsWith(`\r\u001b[2K[${'.'.repeat(24)}]   0% W2: unipool (asap)`)).to.equal(true);
    expect(text.endsWith('\r\x1b[2KW2: unipool (asap) … 3,700 req/s\n')).to.equal(true);
  });
});
