import { expect } from 'chai';
import { NestedTransactionRewriter } from '../../../src/integrations/nested-transaction-rewriter.js';
import { classifyTransactionControl } from '../../../src/integrations/transaction-control.js';

describe("a library's transaction statements", () => {
  describe('classifyTransactionControl()', () => {
    const cases: [string, string][] = [
      ['BEGIN', 'begin'],
      ['begin;', 'begin'],
      ['  BEGIN WORK ', 'begin'],
      ['START TRANSACTION', 'begin'],
      ['start transaction with consistent snapshot', 'begin'],
      ['/* knex */ BEGIN;', 'begin'],
      ['-- comment\nBEGIN', 'begin'],
      ['COMMIT', 'commit'],
      ['commit work', 'commit'],
      ['END', 'commit'],
      ['ROLLBACK', 'rollback'],
      ['rollback transaction;', 'rollback'],
      ['ROLLBACK TO SAVEPOINT sp1', 'other'],
      ['COMMIT AND CHAIN', 'other'],
      ['COMMIT PREPARED \'x\'', 'other'],
      ['SET TRANSACTION ISOLATION LEVEL SERIALIZABLE', 'set-transaction'],
      ['SET autocommit = 0', 'other'],
      ['BEGIN NOT ATOMIC SELECT 1; END', 'other'],
      ['SELECT 1', 'other'],
      ['savepoint sp1', 'other'],
      ['beginning', 'other'],
    ];
    for (const [sql, kind] of cases) {
      it(`${JSON.stringify(sql)} → ${kind}`, () => {
        expect(classifyTransactionControl(sql).kind).to.equal(kind);
      });
    }

    it('tells a BEGIN with isolation or access mode from a plain one', () => {
      expect(classifyTransactionControl('BEGIN ISOLATION LEVEL SERIALIZABLE')).to.deep.equal({ kind: 'begin', withOptions: true });
      expect(classifyTransactionControl('START TRANSACTION READ ONLY')).to.deep.equal({ kind: 'begin', withOptions: true });
      expect(classifyTransactionControl('START TRANSACTION WITH CONSISTENT SNAPSHOT')).to.deep.equal({ kind: 'begin', withOptions: false });
    });
  });

  describe('NestedTransactionRewriter', () => {
    const names = (): (() => string) => {
      let n = 0;
      return () => `sp_${++n}`;
    };

    it('leaves a transaction on an idle connection alone', () => {
      const rewriter = new NestedTransactionRewriter(names());
      expect(rewriter.rewrite('BEGIN', false, false)).to.equal('BEGIN');
      expect(rewriter.ownTransaction).to.equal(true);
      expect(rewriter.rewrite('COMMIT', true, false)).to.equal('COMMIT');
      expect(rewriter.ownTransaction).to.equal(false);
    });

    it('turns BEGIN/COMMIT/ROLLBACK inside a transaction into savepoints, innermost first', () => {
      const rewriter = new NestedTransactionRewriter(names());
      expect(rewriter.rewrite('BEGIN', true, true)).to.equal('SAVEPOINT sp_1');
      expect(rewriter.rewrite('start transaction', true, true)).to.equal('SAVEPOINT sp_2');
      expect(rewriter.rewrite('ROLLBACK', true, true)).to.equal('ROLLBACK TO SAVEPOINT sp_2');
      expect(rewriter.rewrite('COMMIT', true, true)).to.equal('RELEASE SAVEPOINT sp_1');
      expect(rewriter.openSavepoints).to.equal(0);
    });

    it("refuses to end the enclosing transaction it shares, and options a savepoint cannot carry", () => {
      const rewriter = new NestedTransactionRewriter(names());
      expect(() => rewriter.rewrite('COMMIT', true, true)).to.throw(/which it did not begin/).with.property('code', 'UNIPOOL_UNSUPPORTED');
      expect(() => rewriter.rewrite('BEGIN ISOLATION LEVEL SERIALIZABLE', true, true)).to.throw(/set isolation\/readOnly on the outermost db\.atomic\(\)/).with.property('code', 'UNIPOOL_TX_OPTIONS_NESTED');
      expect(() => rewriter.rewrite('SET TRANSACTION READ ONLY', true, true)).to.throw().with.property('code', 'UNIPOOL_TX_OPTIONS_NESTED');
    });

    it('undoes the savepoints a released lease left open, innermost first', () => {
      const rewriter = new NestedTransactionRewriter(names());
      rewriter.rewrite('BEGIN', true, true);
      rewriter.rewrite('BEGIN', true, true);
      expect(rewriter.undoStatements()).to.deep.equal(['ROLLBACK TO SAVEPOINT sp_2', 'ROLLBACK TO SAVEPOINT sp_1']);
      expect(rewriter.openSavepoints).to.equal(0);
    });
  });
});
