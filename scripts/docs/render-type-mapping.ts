import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../src/adapter.js';
import { code, generatedHeader, page, table, text } from './markdown.js';

/** The observations the page is generated from, written by test/integration/contract/type-mapping.test.ts. */
export const TYPE_MAPPING_DATA = 'test/fixtures/type-mapping.json';

type Cell = { readonly declared: string; readonly js: string };
type Data = Readonly<Record<string, Partial<Record<Engine, Cell>>>>;

const COLUMNS: readonly [Engine, string][] = [
  ['postgres', 'PostgreSQL (pg)'],
  ['mysql', 'MySQL / MariaDB (mysql2)'],
  ['sqlite', 'SQLite (better-sqlite3)'],
  ['oracle', 'Oracle (oracledb)'],
];

function renderCell(cell: Cell | undefined): string {
  if (cell === undefined) return '— (not observed: no server in the test run)';
  const declared = cell.declared.startsWith('`') ? cell.declared : code(cell.declared);
  return `${declared} → ${code(cell.js)}`;
}

/** `docs/reference/type-mapping.md`: declared type → JS type per engine, as the contract test observed it. */
export function renderTypeMapping(root: string): string {
  const file = join(root, TYPE_MAPPING_DATA);
  const data: Data = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Data) : {};
  const rows = Object.entries(data).map(([label, cells]) => [text(label), ...COLUMNS.map(([engine]) => renderCell(cells[engine]))]);
  return page([
    '---\ntitle: Type mapping\n---',
    generatedHeader(`${TYPE_MAPPING_DATA} (written by test/integration/contract/type-mapping.test.ts)`),
    '# Type mapping: values in, values out',
    'What a column of each declared type comes back as, per engine. Every cell is observed: the contract test stores the literal in a column of that type, reads it back through unipool and compares what it sees with the data this page is generated from, so a change in any driver or in unipool that changes a cell fails `npm test` until the table is regenerated.',
    table(['Declared type', ...COLUMNS.map(([, title]) => title)], rows),
    '`Date` cells are JavaScript `Date` objects; for types without a time zone (`DATE`, `TIMESTAMP`, `DATETIME`) the driver reads the value in the process time zone (pg, mysql2 with its default `timezone: \'local\'`), so the instant depends on it. SQLite has no date type: dates are the text stored.',
    '## 64-bit integers: the `int64` option',
    'A 64-bit integer is never returned silently rounded. The database option `int64` decides how PostgreSQL `int8` (`bigint`, `bigserial`, `count(*)`), MySQL/MariaDB `BIGINT` (also `COUNT(*)` and integer literals that need 64 bits) and **every SQLite integer** (SQLite has one 64-bit INTEGER type) come back:',
    [
      '- `"number"` (default): a JS number. A value beyond ±(2^53−1), which a number cannot hold exactly, throws `UNIPOOL_VALUE_OUT_OF_RANGE` naming the column — in `query()` and, row by row, in `stream()`. The connection stays healthy and goes back to the pool.',
      '- `"string"`: the exact decimal text.',
      '- `"bigint"`: a JS `BigInt`.',
    ].join('\n'),
    '```ts\ncreateDatabases({ default: { engine: \'postgres\', url: \'postgres://app@db/app\', int64: \'bigint\' } });\n```',
    '::: warning Behaviour change on PostgreSQL\npg returns `int8` as a string, so `count(*)` used to be `\'1\'` through unipool too. With the default `int64: "number"` it is now `1` on every engine. Set `int64: "string"` to keep pg\'s strings.\n:::',
    [
      'How each engine does it (the cost stays off the hot path):',
      '',
      '- **PostgreSQL**: an `int8` type parser per connection (the client\'s `types` option; pg\'s global `pg.types` registry is left alone, and `options.types` still applies to every other type). In `"number"` mode results that have `int8` columns get one type test per `int8` value. `int8[]` arrays keep pg\'s own parsing (strings).',
      '- **MySQL/MariaDB**: mysql2\'s `supportBigNumbers` (and `bigNumberStrings` for `"string"`/`"bigint"`), so mysql2 never rounds; the `BIGINT` columns are then checked or converted. Setting `supportBigNumbers`/`bigNumberStrings` in `options` is refused: use `int64`. `INT`, `SMALLINT`… are numbers in every mode. `DECIMAL` stays mysql2\'s exact string.',
      '- **SQLite**: in `"number"` mode statements run the fast way (numbers) and the result is scanned for values beyond ±(2^53−1); only when one is found is a read-only statement run again with better-sqlite3\'s `safeIntegers` to tell a large integer from a large REAL and name the column (a statement that writes and returns rows reads with `safeIntegers` from the start). `"string"` and `"bigint"` read every integer with `safeIntegers`. `stream()` reads with `safeIntegers` and converts row by row.',
      '- **Oracle**: `NUMBER` columns are fetched as text through a `fetchTypeHandler` and converted: integers (`NUMBER(p, 0)`, and integer values of an unconstrained `NUMBER` such as `COUNT(*)`) follow `int64`; other values become numbers, as oracledb returns them. `NUMBER(p, s > 0)` is left to oracledb. (Covered by unit tests; there is no Oracle server in the test run.)',
      '- `insertId` is the driver\'s: a number (a `BigInt` on SQLite with `"string"`/`"bigint"`).',
    ].join('\n'),
    '## Bound values',
    'These bind on every engine and mean the same everywhere: `string`, `number`, `boolean`, `bigint`, `Date`, `Buffer`/`Uint8Array`, `null` and `undefined` (both NULL).',
    [
      '- **Booleans**: PostgreSQL `boolean`; MySQL/MariaDB `TRUE`/`FALSE` (= 1/0); SQLite and Oracle 1/0 (SQLite has no boolean type; Oracle before 23ai has none in SQL, and `NUMBER(1)` is the convention).',
      '- **Dates**: PostgreSQL and MySQL as the driver sends them (the instant, in the connection\'s time zone); SQLite as ISO-8601 UTC text (`2024-02-29T12:34:56.789Z`: sortable, read by SQLite\'s date functions); Oracle as oracledb binds a `Date`. An invalid `Date` is refused.',
      '- **Bytes**: a `Buffer` or any `Uint8Array` binds as bytes (`bytea`, `BLOB`).',
      '- **bigint**: must fit the engine\'s integer range — signed 64-bit on PostgreSQL, SQLite and Oracle; up to 2^64−1 on MySQL (`BIGINT UNSIGNED`). Beyond it: `UNIPOOL_VALUE_OUT_OF_RANGE` naming the parameter (bind a string for a `NUMERIC`/`DECIMAL` column).',
      '- **Anything else** — functions, symbols, class instances (`Map`, a `Decimal`…), `db.sql` fragments passed as parameters — is refused with `UNIPOOL_INVALID_ARGUMENT` naming the parameter\'s position (`parameter 2`, or `parameter :name`), never bound as `String(value)` or as the JSON of the object.',
      '- **Plain objects and arrays**: only PostgreSQL, which has JSON and array types, binds them — a plain object as JSON text (`$1::jsonb`), an array as a PostgreSQL array (`= ANY($1)`), and objects with pg\'s `toPostgres()` hook as pg does. MySQL/MariaDB and SQLite refuse them: mysql2 would expand an array into a list and an object into `` `key` = value `` pairs in the SQL text (the trick that turns `WHERE password = ?` into a comparison that is always true). Pass `JSON.stringify(value)` for a JSON column and `db.sql.join(values)` for an `IN` list. On Oracle a plain object is an oracledb bind definition (`{ dir, type, val }`) and is passed on; arrays are refused.',
    ].join('\n'),
    'See [the API reference](./api#db-sql) for composing statements with `db.sql`.',
  ]);
}
