import { expect } from 'chai';
import type { Row } from '../../../src/adapter.js';
import { probeServer, type RunQuery } from '../../../src/metrics/doctor/server-facts.js';

/** A fake connection: answers each statement by the first matching pattern, or throws. */
function fakeQuery(answers: readonly [RegExp, Row[] | Error][]): RunQuery & { seen: string[] } {
  const seen: string[] = [];
  const query = async (sql: string): Promise<Row[]> => {
    seen.push(sql);
    const answer = answers.find(([pattern]) => pattern.test(sql))?.[1];
    if (answer === undefined) throw new Error(`unexpected statement: ${sql}`);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return Object.assign(query, { seen });
}

const PG_ROW = { version: '16.2', max_connections: 100, superuser_reserved: 3, reserved: 0, in_use: 7, superuser: false, role_limit: -1, database_limit: -1, idle_session_timeout_ms: '0' };

describe('doctor: server facts', () => {
  it('postgres: a normal user gets max_connections less the reserved slots', async () => {
    const facts = await probeServer('postgres', fakeQuery([[/max_connections/, [PG_ROW]]]));
    expect(facts.version).to.equal('PostgreSQL 16.2');
    expect(facts.limit).to.deep.equal({ limit: 97, inUse: 7, source: 'max_connections 100 − superuser_reserved_connections 3' });
    expect(facts.idleTimeoutMs).to.equal(undefined);
  });

  it('postgres: a superuser may use every slot whatever the CONNECTION LIMITs; for others the lowest limit binds', async () => {
    const superuser = await probeServer('postgres', fakeQuery([[/max_connections/, [{ ...PG_ROW, superuser: true, role_limit: 2, database_limit: 5, idle_session_timeout_ms: '60000' }]]]));
    expect(superuser.limit?.limit).to.equal(100);
    expect(superuser.idleTimeoutMs).to.equal(60_000);
    const role = await probeServer('postgres', fakeQuery([[/max_connections/, [{ ...PG_ROW, role_limit: 20, database_limit: 50 }]]]));
    expect(role.limit).to.include({ limit: 20, source: "the role's CONNECTION LIMIT 20" });
    const database = await probeServer('postgres', fakeQuery([[/max_connections/, [{ ...PG_ROW, role_limit: 20, database_limit: 5 }]]]));
    expect(database.limit).to.include({ limit: 5, source: "the database's CONNECTION LIMIT 5" });
  });

  it('mysql/mariadb: max_connections, or the account limit when lower; Threads_connected; wait_timeout', async () => {
    const query = fakeQuery([
      [/@@max_connections/, [{ version: '10.11.6-MariaDB-log', max_connections: '151', max_user_connections: 0, wait_timeout: 28_800 }]],
      [/Threads_connected/, [{ Variable_name: 'Threads_connected', Value: '4' }]],
    ]);
    const facts = await probeServer('mysql', query);
    expect(facts.version).to.equal('MariaDB 10.11.6');
    expect(facts.limit).to.deep.equal({ limit: 151, inUse: 4, source: 'max_connections 151' });
    expect(facts).to.include({ idleTimeoutMs: 28_800_000, idleTimeoutSetting: 'wait_timeout' });
    const limited = await probeServer(
      'mysql',
      fakeQuery([
        [/@@max_connections/, [{ version: '8.4.0', max_connections: 500, max_user_connections: 30, wait_timeout: 600 }]],
        [/Threads_connected/, [{ Variable_name: 'Threads_connected', Value: 12 }]],
      ]),
    );
    expect(limited.version).to.equal('MySQL 8.4.0');
    expect(limited.limit).to.deep.equal({ limit: 30, inUse: 12, source: 'max_user_connections 30' });
  });

  it('sqlite: no connection limit, with the journal mode', async () => {
    const facts = await probeServer('sqlite', fakeQuery([[/sqlite_version/, [{ version: '3.45.1' }]], [/journal_mode/, [{ journal_mode: 'wal' }]]]));
    expect(facts).to.include({ version: 'SQLite 3.45.1', limit: undefined });
    expect(facts.limitNote).to.match(/^n\/a/);
    expect(facts.notes).to.deep.equal(['journal_mode wal']);
  });

  it('oracle: the smaller of processes and sessions, from v$parameter', async () => {
    const facts = await probeServer(
      'oracle',
      fakeQuery([
        [/version_full/, [{ version: '23.4.0.24.05' }]],
        [/v\$parameter/, [{ name: 'processes', value: '300' }, { name: 'sessions', value: '472' }]],
        [/v\$session/, [{ used: 41 }]],
      ]),
    );
    expect(facts.version).to.equal('Oracle 23.4.0.24.05');
    expect(facts.limit).to.deep.equal({ limit: 300, inUse: 41, source: 'min(processes 300, sessions 472)' });
  });

  it('oracle: without the privilege to read v$parameter the limit is unknown, with the reason; an old server has no version_full', async () => {
    const query = fakeQuery([
      [/version_full/, new Error('ORA-00904: "VERSION_FULL": invalid identifier')],
      [/product_component_version/, [{ version: '12.2.0.1.0' }]],
      [/v\$parameter/, new Error('ORA-00942: table or view does not exist')],
    ]);
    const facts = await probeServer('oracle', query);
    expect(facts.version).to.equal('Oracle 12.2.0.1.0');
    expect(facts.limit).to.equal(undefined);
    expect(facts.limitNote).to.include('ORA-00942');
    expect(facts.limitNote).to.include('SELECT_CATALOG_ROLE');
  });
});
