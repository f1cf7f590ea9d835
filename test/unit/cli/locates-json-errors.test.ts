import { expect } from 'chai';
import { locateJsonError } from '../../../src/cli/json-error-location.js';

describe('JSON error location', () => {
  const cases: [string, string, number, number, string][] = [
    ['trailing comma in an object', '{\n  "a": 1,\n}', 3, 1, 'trailing comma before "}"'],
    ['trailing comma in an array', '[1, 2, ]', 1, 8, 'trailing comma before "]"'],
    ['missing value', '{\n "a": }', 2, 7, 'unexpected "}" where a value was expected'],
    ['missing colon', '{"a" 1}', 1, 6, 'unexpected "1" where ":" was expected'],
    ['unquoted key', '{ a: 1 }', 1, 3, 'unexpected "a" where a property name in double quotes was expected'],
    ['single quotes', "{ 'a': 1 }", 1, 3, 'unexpected "\'" where a property name in double quotes was expected — JSON strings use double quotes'],
    ['a comment', '// config\n{}', 1, 1, 'unexpected "/" where a value was expected — JSON has no comments (use a .js config file for comments)'],
    ['empty file', '', 1, 1, 'unexpected end of file'],
    ['unterminated object', '{"a": 1', 1, 8, 'unexpected end of file'],
    ['unterminated string', '{"a": "x', 1, 7, 'unterminated string'],
    ['line break in a string', '{"a": "x\ny"}', 1, 9, 'control character (e.g. a line break) inside a string — write it as \\n'],
    ['bad escape', '{"a": "\\x"}', 1, 8, 'invalid escape in a string'],
    ['text after the value', '{} {}', 1, 4, 'unexpected "{" after the JSON value'],
    ['leading zero', '{"a": 01}', 1, 8, 'unexpected "1" where "," or "}" was expected'],
  ];
  for (const [name, text, line, column, message] of cases) {
    it(`${name}: ${line}:${column}`, () => {
      expect(() => JSON.parse(text)).to.throw(SyntaxError);
      expect(locateJsonError(text)).to.deep.equal({ line, column, message });
    });
  }

  it('finds nothing wrong in valid JSON', () => {
    for (const text of ['{}', '[]', '0', '-1.5e+3', '"\\u00e9\\n"', '{"a": [true, false, null, {"b": "c"}]}', ' \n\t{ } ']) {
      expect(() => JSON.parse(text)).to.not.throw();
      expect(locateJsonError(text), text).to.equal(undefined);
    }
  });
});
