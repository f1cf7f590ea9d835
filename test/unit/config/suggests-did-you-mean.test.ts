import { expect } from 'chai';
import { didYouMean, editDistance } from '../../../src/config/did-you-mean.js';
import { OPTION_SYNONYMS } from '../../../src/config/option-synonyms.js';
import { schemaFacts } from '../../../src/config/schema-facts.js';

describe('did you mean', () => {
  const pool = schemaFacts().poolOptions;
  const database = schemaFacts().databaseOptions;
  const engines = ['postgres', 'mysql', 'sqlite', 'oracle'];

  const cases: [string, readonly string[], Readonly<Record<string, string>>, string | undefined][] = [
    ['maxConnections', pool, OPTION_SYNONYMS.pool, 'max'],
    ['MAX', pool, OPTION_SYNONYMS.pool, 'max'],
    ['mx', pool, OPTION_SYNONYMS.pool, 'max'],
    ['connectionLimit', pool, OPTION_SYNONYMS.pool, 'max'],
    ['connectionTimeoutMillis', pool, OPTION_SYNONYMS.pool, 'acquireTimeoutMs'],
    ['idleTimeoutMillis', pool, OPTION_SYNONYMS.pool, 'idleTimeoutMs'],
    ['idle_timeout_ms', pool, OPTION_SYNONYMS.pool, 'idleTimeoutMs'],
    ['acquire', pool, OPTION_SYNONYMS.pool, 'acquireTimeoutMs'],
    ['maxWaitingClients', pool, OPTION_SYNONYMS.pool, 'maxWaiting'],
    ['leakDetectionThreshold', pool, OPTION_SYNONYMS.pool, 'leakDetectionMs'],
    ['hots', database, OPTION_SYNONYMS.database, 'host'],
    ['hostname', database, OPTION_SYNONYMS.database, 'host'],
    ['username', database, OPTION_SYNONYMS.database, 'user'],
    ['passwd', database, OPTION_SYNONYMS.database, 'password'],
    ['dbname', database, OPTION_SYNONYMS.database, 'database'],
    ['connectionString', database, OPTION_SYNONYMS.database, 'url'],
    ['dialect', database, OPTION_SYNONYMS.database, 'engine'],
    ['postgress', engines, OPTION_SYNONYMS.engine, 'postgres'],
    ['postgresql', engines, OPTION_SYNONYMS.engine, 'postgres'],
    ['mariadb', engines, OPTION_SYNONYMS.engine, 'mysql'],
    ['sqlite3', engines, OPTION_SYNONYMS.engine, 'sqlite'],
    ['colour', database, OPTION_SYNONYMS.database, undefined],
    ['zzzzzz', pool, OPTION_SYNONYMS.pool, undefined],
  ];
  for (const [input, candidates, synonyms, expected] of cases) {
    it(`${input} → ${String(expected)}`, () => {
      expect(didYouMean(input, candidates, synonyms)).to.equal(expected);
    });
  }

  it('never suggests a synonym target that is not a candidate', () => {
    expect(didYouMean('connectionLimit', ['min'], OPTION_SYNONYMS.pool)).to.equal(undefined);
  });

  it('every synonym points at a real option', () => {
    for (const target of Object.values(OPTION_SYNONYMS.pool)) expect(pool).to.include(target);
    for (const target of Object.values(OPTION_SYNONYMS.database)) expect(database).to.include(target);
    for (const target of Object.values(OPTION_SYNONYMS.engine)) expect(engines).to.include(target);
  });

  it('edit distance counts a swap of neighbours as one', () => {
    expect(editDistance('hots', 'host')).to.equal(1);
    expect(editDistance('kitten', 'sitting')).to.equal(3);
    expect(editDistance('', 'abc')).to.equal(3);
    expect(editDistance('same', 'same')).to.equal(0);
  });
});
