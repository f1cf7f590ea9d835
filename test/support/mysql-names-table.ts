import mysql from 'mysql2/promise';
import { createDatabases, type DatabaseConfig } from '../../src/index.js';
import { engineUnderTest, uniqueTable } from './engines.js';
import { openDatabase } from './open-database.js';

const mariadb = engineUnderTest('mysql');

/** The `name` column of `table`, in id order, read on a separate raw connection: what the server really holds, outside unipool. */
export async function mysqlServerNames(table: string): Promise<string[]> {
  const raw = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: 'test' });
  try {
    const [rows] = await raw.query(`SELECT name FROM ${table} ORDER BY id`);
    return (rows as { name: string }[]).map((row) => row.name);
  } finally {
    await raw.end();
  }
}

/**
 * A fresh MySQL table `(id auto-increment, name)` for each test of the calling `describe`, handed to
 * `use` before the test and dropped after it. Call it inside the `describe`, after
 * `closeDatabasesAfterEach()`.
 */
export function useMysqlNamesTable(prefix: string, use: (table: string) => void): void {
  let table = '';
  beforeEach(async () => {
    table = uniqueTable(prefix);
    use(table);
    const { db } = openDatabase(mariadb);
    await db.query(`CREATE TABLE ${table} (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL)`);
  });
  afterEach(async () => {
    const dbs = createDatabases({ default: mariadb.config() as unknown as DatabaseConfig });
    await dbs.default.query(`DROP TABLE IF EXISTS ${table}`);
    await dbs.close();
  });
}
