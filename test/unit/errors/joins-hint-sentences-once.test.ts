import { expect } from 'chai';
import { connectFailure, endSentence } from '../../../src/connect-errors.js';
import { acquireTimeoutError } from '../../../src/pool/acquire-errors.js';
import { withDocsLink } from '../../support/docs-link.js';

const PG_HBA = 'Check the user, password and pg_hba.conf.';

describe('error messages: a sentence ends with one full stop', () => {
  it('endSentence adds a period only where none ends the text', () => {
    expect(endSentence('no route')).to.equal('no route.');
    expect(endSentence('pg_hba.conf.')).to.equal('pg_hba.conf.');
    expect(endSentence('really? ')).to.equal('really?');
  });

  it('a driver message ending in a period is not followed by a second one', () => {
    const error = Object.assign(new Error('password authentication failed.'), { code: '28000' });
    const failure = connectFailure('postgres', '127.0.0.1:5432', error, { '28000': PG_HBA }, undefined, { showCode: false });
    expect(failure.message).to.equal(withDocsLink('UNIPOOL_CONNECT_FAILED', `postgres: could not connect to 127.0.0.1:5432: password authentication failed. ${PG_HBA}`));
  });

  it('an acquire timeout quoting a connect error that ends in a hint reads "pg_hba.conf. Fix", not "pg_hba.conf.. Fix"', () => {
    const cause = new Error(`postgres: could not connect to 127.0.0.1:5432: no pg_hba.conf entry (28000). ${PG_HBA}`);
    const timeout = acquireTimeoutError('default', 1000, { size: 0, inUse: 0, idle: 0, waiting: 1 }, cause);
    expect(timeout.message).to.not.include('..');
    expect(timeout.message).to.include('pg_hba.conf. Fix the connection problem (see error.cause).');
  });
});
