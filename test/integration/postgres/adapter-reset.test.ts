import { expect } from 'chai';
import { postgresAdapter as adapter, type PgConnection } from '../../../adapters/postgres/index.js';
import { OpenConnections } from './adapter-support.js';

describe('postgres adapter: reset', () => {
  const connections = new OpenConnections();
  let conn: PgConnection;

  beforeEach(async () => {
    conn = await connections.open();
  });
  afterEach(async () => {
    await connections.closeAll();
  });

  const value = async (sql: string): Promise<unknown> => Object.values((await adapter.query(conn, sql)).rows[0] ?? {})[0];

  it('restores SET parameters to their connection defaults', async () => {
    const before = await value('SHOW statement_timeout');
    await adapter.query(conn, "SET statement_timeout = '4321ms'");
    await adapter.query(conn, 'SET search_path TO pg_catalog');
    expect(await value('SHOW statement_timeout')).to.equal('4321ms');
    await adapter.reset(conn);
    expect(await value('SHOW statement_timeout')).to.equal(before);
    expect(await value('SHOW search_path')).to.equal('"$user", public');
  });

  it('keeps settings given as connection options (they are the session defaults)', async () => {
    const configured = await connections.open({ statement_timeout: 1234 });
    const show = async (): Promise<unknown> => (await adapter.query(configured, 'SHOW statement_timeout')).rows[0]?.statement_timeout;
    expect(await show()).to.equal('1234ms');
    await adapter.query(configured, "SET statement_timeout = '5s'");
    await adapter.reset(configured);
    expect(await show()).to.equal('1234ms');
  });

  it('drops temp tables', async () => {
    await adapter.query(conn, 'CREATE TEMP TABLE t_pgadapter_reset_temp (id int)');
    await adapter.reset(conn);
    expect(await value("SELECT to_regclass('pg_temp.t_pgadapter_reset_temp')::text")).to.equal(null);
  });

  it('deallocates SQL prepared statements and closes WITH HOLD cursors', async () => {
    await adapter.query(conn, 'PREPARE t_pgadapter_reset_plan AS SELECT 1');
    await adapter.query(conn, 'BEGIN');
    await adapter.query(conn, 'DECLARE t_pgadapter_reset_cursor CURSOR WITH HOLD FOR SELECT 1');
    await adapter.query(conn, 'COMMIT');
    expect(await value('SELECT count(*)::int FROM pg_prepared_statements')).to.equal(1);
    expect(await value('SELECT count(*)::int FROM pg_cursors')).to.equal(1);
    await adapter.reset(conn);
    expect(await value('SELECT count(*)::int FROM pg_prepared_statements')).to.equal(0);
    expect(await value('SELECT count(*)::int FROM pg_cursors')).to.equal(0);
  });

  it('stops LISTEN and drops notification listeners', async () => {
    await adapter.query(conn, 'LISTEN t_pgadapter_reset_channel');
    conn.on('notification', () => undefined);
    expect((await adapter.query(conn, 'SELECT pg_listening_channels() AS channel')).rows).to.deep.equal([{ channel: 't_pgadapter_reset_channel' }]);
    await adapter.reset(conn);
    expect((await adapter.query(conn, 'SELECT pg_listening_channels() AS channel')).rows).to.deep.equal([]);
    expect((conn as unknown as { listenerCount(event: string): number }).listenerCount('notification')).to.equal(0);
  });

  it('releases session advisory locks', async () => {
    await adapter.query(conn, 'SELECT pg_advisory_lock(987654321)');
    const held = "SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()";
    expect(await value(held)).to.equal(1);
    await adapter.reset(conn);
    expect(await value(held)).to.equal(0);
  });

  it('keeps protocol-level named queries working: pg prepares them again after the reset', async () => {
    const named = { name: 't_pgadapter_named', text: 'SELECT $1::int + 1 AS n', values: [1] };
    expect((await conn.query(named)) as unknown).to.have.nested.property('rows[0].n', 2);
    expect(await value('SELECT count(*)::int FROM pg_prepared_statements')).to.equal(1);
    await adapter.reset(conn);
    expect((await conn.query({ ...named, values: [41] })) as unknown).to.have.nested.property('rows[0].n', 42);
  });

  it('keeps named queries working after the user runs DISCARD ALL or DEALLOCATE ALL', async () => {
    const named = { name: 't_pgadapter_named2', text: 'SELECT $1::int * 2 AS n', values: [2] };
    await conn.query(named);
    await adapter.query(conn, 'DISCARD ALL');
    expect((await conn.query(named)) as unknown).to.have.nested.property('rows[0].n', 4);
    await adapter.query(conn, 'DEALLOCATE ALL');
    expect((await conn.query(named)) as unknown).to.have.nested.property('rows[0].n', 4);
  });

  it('rolls back an open or failed transaction first (DISCARD ALL cannot run inside one)', async () => {
    await adapter.begin(conn, {});
    await adapter.query(conn, 'SELECT 1/0').catch(() => undefined);
    expect(adapter.transactionState(conn)).to.equal('failed');
    await adapter.reset(conn);
    expect(adapter.transactionState(conn)).to.equal('idle');
    expect(adapter.isUsable(conn)).to.equal(true);
  });
});
