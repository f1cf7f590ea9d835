import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ENGINES, uniqueTable } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';
import { describeObserved, TYPE_MAPPING_CASES, type ObservedCell, type TypeMappingData } from '../../support/type-mapping-cases.js';

/** The committed observations the docs page is generated from. */
const DATA_FILE = fileURLToPath(new URL('../../fixtures/type-mapping.json', import.meta.url));
/** `UNIPOOL_WRITE_TYPE_MAPPING=1` rewrites the data file from this run instead of comparing. */
const WRITE = process.env.UNIPOOL_WRITE_TYPE_MAPPING === '1';

function committed(): TypeMappingData {
  return JSON.parse(readFileSync(DATA_FILE, 'utf8')) as TypeMappingData;
}

const observed: TypeMappingData = {};

for (const engine of ENGINES) {
  describe(`${engine.engine}: declared type → JS type (the docs' type-mapping table)`, function () {
    this.timeout(60_000);
    closeDatabasesAfterEach();

    for (const testCase of TYPE_MAPPING_CASES) {
      it(`${testCase.label} reads back as the committed table says`, async () => {
        const { db } = openDatabase(engine, testCase.int64 === undefined ? {} : { int64: testCase.int64 });
        const spec = testCase.engines[engine.engine];
        let cell: ObservedCell;
        const read = async (sql: string): Promise<string> => {
          try {
            const { rows } = await db.query(sql);
            const row = rows[0] ?? {};
            return describeObserved('v' in row ? row.v : row.V);
          } catch (error) {
            return `throws ${(error as { code?: string }).code ?? (error as Error).message}`;
          }
        };
        if ('query' in spec) {
          cell = { declared: `\`${spec.query}\``, js: await read(spec.query) };
        } else {
          const table = uniqueTable('types');
          await db.query(`CREATE TABLE ${table} (v ${spec.type})`);
          try {
            await db.query(`INSERT INTO ${table} (v) VALUES (${spec.literal})`);
            cell = { declared: spec.type, js: await read(`SELECT v FROM ${table}`) };
          } finally {
            await db.query(`DROP TABLE ${table}`);
          }
        }
        (observed[testCase.label] ??= {})[engine.engine] = cell;
        if (!WRITE) {
          expect(cell, `${engine.engine} "${testCase.label}" differs from test/fixtures/type-mapping.json: update the code, or rerun this suite with UNIPOOL_WRITE_TYPE_MAPPING=1, then npm run docs:gen`).to.deep.equal(committed()[testCase.label]?.[engine.engine]);
        }
      });
    }
  });
}

describe('type-mapping table data', () => {
  it('covers every case of the table, and nothing else', () => {
    if (WRITE) {
      // Merge: engines not run here (Oracle without a server) keep their committed cells.
      const data = committed();
      const merged: TypeMappingData = {};
      for (const testCase of TYPE_MAPPING_CASES) merged[testCase.label] = { ...data[testCase.label], ...observed[testCase.label] };
      writeFileSync(DATA_FILE, `${JSON.stringify(merged, null, 2)}\n`);
    }
    expect(Object.keys(committed())).to.deep.equal(TYPE_MAPPING_CASES.map((testCase) => testCase.label));
  });
});
