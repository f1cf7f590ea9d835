import { expect } from 'chai';
import { dropsAllPreparedStatements, sessionStateOf, sessionStateOfAll, type StatementTag } from '../../../../adapters/postgres/postgres-session-state.js';

const tag = (text: string, described = false): StatementTag => ({ tag: text, described });

describe('postgres adapter: command tag → session state', () => {
  const table: ReadonlyArray<readonly [StatementTag, string | undefined]> = [
    [tag('SET'), 'SET/error'],
    [tag('RESET'), 'RESET/error'],
    [tag('LISTEN'), 'LISTEN/error'],
    [tag('PREPARE'), 'PREPARE/error'],
    [tag('DECLARE CURSOR'), 'DECLARE CURSOR/error'],
    [tag('LOAD'), 'LOAD/error'],
    [tag('CREATE TABLE'), 'CREATE TABLE/reset'],
    [tag('CREATE TABLE AS'), 'CREATE TABLE AS/reset'],
    [tag('CREATE VIEW'), 'CREATE VIEW/reset'],
    [tag('CREATE SEQUENCE'), 'CREATE SEQUENCE/reset'],
    [tag('CREATE FUNCTION'), 'CREATE FUNCTION/reset'],
    [tag('CREATE INDEX'), 'CREATE INDEX/reset'],
    [tag('SELECT 5'), 'SELECT INTO / CREATE TABLE AS/reset'],
    [tag('DEALLOCATE'), 'DEALLOCATE/reset'],
    [tag('SELECT 5', true), undefined],
    [tag('SELECT 0', true), undefined],
    [tag('INSERT 0 2'), undefined],
    [tag('UPDATE 3'), undefined],
    [tag('DELETE 1'), undefined],
    [tag('MERGE 1'), undefined],
    [tag('SET CONSTRAINTS'), undefined],
    [tag('PREPARE TRANSACTION'), undefined],
    [tag('UNLISTEN'), undefined],
    [tag('DEALLOCATE ALL'), undefined],
    [tag('DISCARD ALL'), undefined],
    [tag('DISCARD TEMP'), undefined],
    [tag('CLOSE CURSOR'), undefined],
    [tag('BEGIN'), undefined],
    [tag('COMMIT'), undefined],
    [tag('ROLLBACK'), undefined],
    [tag('SAVEPOINT'), undefined],
    [tag('DROP TABLE'), undefined],
    [tag('ALTER TABLE'), undefined],
    [tag('DO'), undefined],
    [tag('CALL'), undefined],
    [tag('SHOW', true), undefined],
    [tag(''), undefined],
  ];

  for (const [input, expected] of table) {
    it(`${JSON.stringify(input.tag)}${input.described ? ' (with rows)' : ''} → ${expected ?? 'no change'}`, () => {
      const change = sessionStateOf(input);
      expect(change === undefined ? undefined : `${change.statement}/${change.outsideSession}`).to.equal(expected);
    });
  }

  it('reports the first error of a multi-statement query over any reset before it', () => {
    expect(sessionStateOfAll([tag('CREATE TABLE'), tag('INSERT 0 1'), tag('LISTEN'), tag('SET')])).to.deep.equal({ statement: 'LISTEN', outsideSession: 'error' });
    expect(sessionStateOfAll([tag('INSERT 0 1'), tag('CREATE TABLE'), tag('CREATE VIEW')])).to.deep.equal({ statement: 'CREATE TABLE', outsideSession: 'reset' });
    expect(sessionStateOfAll([tag('SELECT 1', true), tag('COMMIT')])).to.equal(undefined);
    expect(sessionStateOfAll([])).to.equal(undefined);
  });

  it('knows which statements drop every prepared statement', () => {
    expect(dropsAllPreparedStatements([tag('SELECT 1', true), tag('DISCARD ALL')])).to.equal(true);
    expect(dropsAllPreparedStatements([tag('DEALLOCATE ALL')])).to.equal(true);
    expect(dropsAllPreparedStatements([tag('DEALLOCATE'), tag('DISCARD TEMP'), tag('DISCARD PLANS')])).to.equal(false);
  });
});
