import { expect } from 'chai';
import { oracleFetchTypeHandler } from '../../../../adapters/oracle/oracle-int64.js';
import { toOracleBinds } from '../../../../adapters/oracle/oracle-values.js';
import { UnipoolError } from '../../../../src/errors.js';

// Stand-ins for oracledb's DbType constants: the handler only compares and returns them.
const DB_TYPE_NUMBER = { name: 'DB_TYPE_NUMBER' };
const STRING = { name: 'DB_TYPE_VARCHAR' };
const types = { DB_TYPE_NUMBER, STRING };

function thrown(call: () => unknown): UnipoolError {
  try {
    call();
  } catch (error) {
    expect(error).to.be.instanceOf(UnipoolError);
    return error as UnipoolError;
  }
  throw new Error('expected a throw');
}

describe('oracle: NUMBER columns follow int64', () => {
  it('leaves non-NUMBER columns and NUMBER(p, s > 0) to oracledb', () => {
    const handler = oracleFetchTypeHandler('number', types);
    expect(handler({ name: 'T', dbType: { name: 'DB_TYPE_VARCHAR' } })).to.equal(undefined);
    expect(handler({ name: 'PRICE', dbType: DB_TYPE_NUMBER, precision: 10, scale: 2 })).to.equal(undefined);
  });

  it('"number": an integer column is fetched as text and converted; beyond 2^53 it throws naming the column', () => {
    const fetch = oracleFetchTypeHandler('number', types)({ name: 'ID', dbType: DB_TYPE_NUMBER, precision: 19, scale: 0 });
    expect(fetch?.type).to.equal(STRING);
    expect(fetch?.converter('9007199254740991')).to.equal(9007199254740991);
    expect(fetch?.converter(null)).to.equal(null);
    const error = thrown(() => fetch?.converter('9007199254740993'));
    expect(error.code).to.equal('UNIPOOL_VALUE_OUT_OF_RANGE');
    expect(error.message).to.include('column "ID"');
  });

  it('an unconstrained NUMBER (COUNT(*)) converts integers by int64 and fractions to numbers', () => {
    const meta = { name: 'N', dbType: DB_TYPE_NUMBER, precision: 0, scale: -127 };
    expect(oracleFetchTypeHandler('number', types)(meta)?.converter('1')).to.equal(1);
    expect(oracleFetchTypeHandler('number', types)(meta)?.converter('1.5')).to.equal(1.5);
    expect(oracleFetchTypeHandler('string', types)(meta)?.converter('9007199254740993')).to.equal('9007199254740993');
    expect(oracleFetchTypeHandler('string', types)(meta)?.converter('2.25')).to.equal(2.25);
    expect(oracleFetchTypeHandler('bigint', types)(meta)?.converter('9007199254740993')).to.equal(9007199254740993n);
    expect(oracleFetchTypeHandler('bigint', types)(meta)?.converter('-3')).to.equal(-3n);
  });
});

describe('oracle: bound values', () => {
  it('binds booleans as 1/0, undefined as NULL and Uint8Arrays as Buffers, copying only when something changes', () => {
    const plain = [1, 'a', null, new Date(0), Buffer.from([1]), 5n];
    expect(toOracleBinds(plain)).to.equal(plain);
    const converted = toOracleBinds([true, false, undefined, new Uint8Array([1, 2])]) as unknown[];
    expect(converted.slice(0, 3)).to.deep.equal([1, 0, null]);
    expect(Buffer.isBuffer(converted[3])).to.equal(true);
    expect(toOracleBinds({ flag: true })).to.deep.equal({ flag: 1 });
    expect(toOracleBinds(undefined)).to.deep.equal([]);
  });

  it('passes oracledb bind definitions on, and refuses other objects, arrays and out-of-range bigints by position', () => {
    const out = { dir: 3003, type: 2010 };
    expect((toOracleBinds([out]) as unknown[])[0]).to.equal(out);
    expect(thrown(() => toOracleBinds([1, { a: 1 }])).message).to.include('parameter 2');
    expect(thrown(() => toOracleBinds({ ids: [1, 2] })).message).to.include('parameter :ids');
    expect(thrown(() => toOracleBinds([() => 1])).code).to.equal('UNIPOOL_INVALID_ARGUMENT');
    expect(thrown(() => toOracleBinds([2n ** 63n])).code).to.equal('UNIPOOL_VALUE_OUT_OF_RANGE');
  });
});
