import type { Engine, Int64Mode } from '../../src/adapter.js';

/**
 * The cells of the docs' type-mapping table: for each declared type, the SQL type and a literal
 * per engine. `test/integration/contract/type-mapping.test.ts` runs every cell on every engine and
 * compares what it sees with `test/fixtures/type-mapping.json`, from which the docs page
 * `docs/reference/type-mapping.md` is generated.
 */
export interface TypeMappingCase {
  /** The row's label in the table. */
  readonly label: string;
  /** The database option `int64` the cell runs with (default `number`). */
  readonly int64?: Int64Mode;
  /** Per engine: the declared column type and the SQL literal stored in it; or a whole query (`query`). */
  readonly engines: Readonly<Record<Engine, { readonly type: string; readonly literal: string } | { readonly query: string }>>;
}

const BEYOND = '9007199254740993';

const bigintBeyond = {
  postgres: { type: 'BIGINT', literal: BEYOND },
  mysql: { type: 'BIGINT', literal: BEYOND },
  sqlite: { type: 'INTEGER', literal: BEYOND },
  oracle: { type: 'NUMBER(19)', literal: BEYOND },
} as const;

/** The rows of the table, in order. */
export const TYPE_MAPPING_CASES: readonly TypeMappingCase[] = [
  {
    label: 'integer',
    engines: { postgres: { type: 'INTEGER', literal: '42' }, mysql: { type: 'INT', literal: '42' }, sqlite: { type: 'INTEGER', literal: '42' }, oracle: { type: 'NUMBER(10)', literal: '42' } },
  },
  {
    label: 'count(*)',
    engines: { postgres: { query: 'SELECT count(*) AS v' }, mysql: { query: 'SELECT count(*) AS v' }, sqlite: { query: 'SELECT count(*) AS v' }, oracle: { query: 'SELECT count(*) AS "v" FROM dual' } },
  },
  {
    label: 'bigint at 2^53 − 1',
    engines: {
      postgres: { type: 'BIGINT', literal: '9007199254740991' },
      mysql: { type: 'BIGINT', literal: '9007199254740991' },
      sqlite: { type: 'INTEGER', literal: '9007199254740991' },
      oracle: { type: 'NUMBER(19)', literal: '9007199254740991' },
    },
  },
  { label: 'bigint beyond 2^53 (int64 "number", the default)', engines: bigintBeyond },
  { label: 'bigint beyond 2^53 (int64 "string")', int64: 'string', engines: bigintBeyond },
  { label: 'bigint beyond 2^53 (int64 "bigint")', int64: 'bigint', engines: bigintBeyond },
  {
    label: 'numeric / decimal',
    engines: {
      postgres: { type: 'NUMERIC(10,2)', literal: '1.25' },
      mysql: { type: 'DECIMAL(10,2)', literal: '1.25' },
      sqlite: { type: 'NUMERIC(10,2)', literal: '1.25' },
      oracle: { type: 'NUMBER(10,2)', literal: '1.25' },
    },
  },
  {
    label: 'real / double',
    engines: {
      postgres: { type: 'DOUBLE PRECISION', literal: '1.5' },
      mysql: { type: 'DOUBLE', literal: '1.5' },
      sqlite: { type: 'REAL', literal: '1.5' },
      oracle: { type: 'BINARY_DOUBLE', literal: '1.5' },
    },
  },
  {
    label: 'boolean',
    engines: { postgres: { type: 'BOOLEAN', literal: 'TRUE' }, mysql: { type: 'BOOLEAN', literal: 'TRUE' }, sqlite: { type: 'BOOLEAN', literal: 'TRUE' }, oracle: { type: 'NUMBER(1)', literal: '1' } },
  },
  {
    label: 'date',
    engines: {
      postgres: { type: 'DATE', literal: "'2024-02-29'" },
      mysql: { type: 'DATE', literal: "'2024-02-29'" },
      sqlite: { type: 'DATE', literal: "'2024-02-29'" },
      oracle: { type: 'DATE', literal: "DATE '2024-02-29'" },
    },
  },
  {
    label: 'timestamp',
    engines: {
      postgres: { type: 'TIMESTAMP', literal: "'2024-02-29 12:34:56'" },
      mysql: { type: 'DATETIME', literal: "'2024-02-29 12:34:56'" },
      sqlite: { type: 'TIMESTAMP', literal: "'2024-02-29 12:34:56'" },
      oracle: { type: 'TIMESTAMP', literal: "TIMESTAMP '2024-02-29 12:34:56'" },
    },
  },
  {
    label: 'timestamp with time zone',
    engines: {
      postgres: { type: 'TIMESTAMPTZ', literal: "'2024-02-29 12:34:56+00'" },
      mysql: { type: 'TIMESTAMP', literal: "'2024-02-29 12:34:56'" },
      sqlite: { type: 'TIMESTAMPTZ', literal: "'2024-02-29T12:34:56Z'" },
      oracle: { type: 'TIMESTAMP WITH TIME ZONE', literal: "TIMESTAMP '2024-02-29 12:34:56 +00:00'" },
    },
  },
  {
    label: 'json',
    engines: {
      postgres: { type: 'JSONB', literal: `'{"a":1}'` },
      mysql: { type: 'JSON', literal: `'{"a":1}'` },
      sqlite: { type: 'TEXT', literal: `'{"a":1}'` },
      oracle: { type: 'JSON', literal: `'{"a":1}'` },
    },
  },
  {
    label: 'bytes',
    engines: {
      postgres: { type: 'BYTEA', literal: "'\\x01ff'::bytea" },
      mysql: { type: 'BLOB', literal: "X'01ff'" },
      sqlite: { type: 'BLOB', literal: "X'01ff'" },
      oracle: { type: 'BLOB', literal: "HEXTORAW('01ff')" },
    },
  },
  {
    label: 'text',
    engines: { postgres: { type: 'TEXT', literal: "'abc'" }, mysql: { type: 'TEXT', literal: "'abc'" }, sqlite: { type: 'TEXT', literal: "'abc'" }, oracle: { type: 'VARCHAR2(20)', literal: "'abc'" } },
  },
  {
    label: 'null',
    engines: { postgres: { type: 'TEXT', literal: 'NULL' }, mysql: { type: 'TEXT', literal: 'NULL' }, sqlite: { type: 'TEXT', literal: 'NULL' }, oracle: { type: 'VARCHAR2(20)', literal: 'NULL' } },
  },
];

/** What a value looks like in the table: its JS type and, where it is stable, the value itself. */
export function describeObserved(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Buffer.isBuffer(value)) return `Buffer <${value.toString('hex')}>`;
  if (value instanceof Uint8Array) return `Uint8Array <${Buffer.from(value).toString('hex')}>`;
  // The instant of a Date read from a column without a time zone depends on the process's zone.
  if (value instanceof Date) return 'Date';
  switch (typeof value) {
    case 'number':
      return `number ${value}`;
    case 'bigint':
      return `bigint ${value}n`;
    case 'string':
      return `string ${JSON.stringify(value)}`;
    case 'boolean':
      return `boolean ${value}`;
    case 'object':
      return `object ${JSON.stringify(value)}`;
    default:
      return typeof value;
  }
}

/** One observed cell: the declared type and what came back (or the error code thrown). */
export interface ObservedCell {
  readonly declared: string;
  readonly js: string;
}

/** The committed data: row label → engine → cell. */
export type TypeMappingData = Record<string, Partial<Record<Engine, ObservedCell>>>;
