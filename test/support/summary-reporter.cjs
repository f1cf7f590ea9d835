// mocha's spec reporter plus one plain closing line ("N passed, N failed, N skipped") that CI reads.
'use strict';
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const { passes, failures, pending } = runner.stats;
      process.stdout.write(`\nunipool: ${passes} passed, ${failures} failed, ${pending} skipped\n`);
    });
  }
}
module.exports = SummaryReporter;
