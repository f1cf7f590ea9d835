import { expect } from 'chai';
import { beginCommitOrRollback as transactionControlOf, endsTransaction } from '../../../src/integrations/transaction-control.js';

// What pgPool()'s joined clients rewrite into savepoint operations, and what they refuse.
describe('pgPool(): transaction-control text', () => {
  it('recognises the BEGIN forms the libraries send', () => {
    for (const text of ['BEGIN', 'begin', '  BEGIN;', 'BEGIN;  ', 'BEGIN WORK', 'begin transaction', 'START TRANSACTION', 'start transaction isolation level serializable', 'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY', 'begin isolation level read committed read write', 'BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE;', 'BEGIN DEFERRABLE']) {
      expect(transactionControlOf(text), text).to.equal('begin');
    }
  });

  it('recognises COMMIT/END and ROLLBACK/ABORT in their one-statement forms', () => {
    for (const text of ['COMMIT', 'commit;', 'COMMIT WORK', 'commit transaction', 'END', 'end transaction;', 'COMMIT AND NO CHAIN']) expect(transactionControlOf(text), text).to.equal('commit');
    for (const text of ['ROLLBACK', 'rollback;', ' ROLLBACK WORK ', 'abort', 'ROLLBACK TRANSACTION AND NO CHAIN']) expect(transactionControlOf(text), text).to.equal('rollback');
  });

  it('leaves everything else alone: savepoints, chains, prepared transactions, several statements, other statements', () => {
    for (const text of ['ROLLBACK TO SAVEPOINT sp1', 'rollback to sp1', 'SAVEPOINT sp1', 'RELEASE SAVEPOINT sp1', 'COMMIT AND CHAIN', 'COMMIT PREPARED \'x\'', 'PREPARE TRANSACTION \'x\'', 'BEGIN; SELECT 1', 'BEGIN; SET LOCAL x = 1; COMMIT;', 'SELECT 1', 'beginning', 'SELECT begin FROM t', 'commits', 'END_OF_DAY', 'abortive', 'DO $$ BEGIN END $$', '']) {
      expect(transactionControlOf(text), text).to.equal(undefined);
    }
  });

  it('finds statements that would end a surrounding transaction, anywhere in the text', () => {
    for (const text of ['COMMIT', 'commit and chain', 'END', 'ROLLBACK', 'abort;', 'PREPARE TRANSACTION \'x\'', 'BEGIN; SELECT 1; COMMIT;', 'SELECT 1;rollback']) expect(endsTransaction(text), text).to.equal(true);
    for (const text of ['SELECT 1', 'ROLLBACK TO SAVEPOINT sp1', 'rollback to sp1', 'ROLLBACK TRANSACTION TO SAVEPOINT sp', 'RELEASE SAVEPOINT sp1', 'SELECT commit_ts FROM t', 'INSERT INTO ending VALUES (1)', 'BEGIN']) expect(endsTransaction(text), text).to.equal(false);
  });
});
