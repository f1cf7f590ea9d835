import { expect } from 'chai';
import type { ConnectionSettings } from '../../../../src/adapter.js';
import type { ResolvedDatabaseConfig } from '../../../../src/config/resolved-config.js';
import { DatabaseCore } from '../../../../src/database-core.js';
import { UnipoolError } from '../../../../src/errors.js';
import type { PoolEngine, PooledConnection } from '../../../../src/pool/pool-engine.js';
import { createOracleAdapter } from '../../../../adapters/oracle/index.js';
import { FakeOracledb, oracleError, type FakeOracleConnection } from '../../../support/fake-oracledb.js';

const settings: ConnectionSettings = { host: 'db', database: 'SVC', user: 'app', options: {} };

async function connect(statementTimeoutMs?: number): Promise<{ adapter: ReturnType<typeof createOracleAdapter>; conn: FakeOracleConnection }> {
  const fake = new FakeOracledb();
  const adapter = createOracleAdapter({ loadDriver: async () => fake });
  await adapter.connect(settings, { timeoutMs: 1000, onBroken: () => undefined, ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs }) });
  const conn = fake.connections[0];
  if (conn === undefined) throw new Error('no connection');
  return { adapter, conn };
}

describe('oracle adapter: statementTimeoutMs', () => {
  it('sets callTimeout on every new connection, once, at connect', async () => {
    const { conn } = await connect(300);
    expect(conn.callTimeout).to.equal(300);
    // A property, not a statement: no round trip was spent on it.
    expect(conn.calls).to.deep.equal([]);
  });

  it('leaves callTimeout alone without a limit', async () => {
    const { conn } = await connect();
    expect(conn.callTimeout).to.equal(0);
  });

  it('recognises the call-timeout errors (Thin NJS-123, Thick DPI-1067), not a user cancel (ORA-01013) or others', async () => {
    const { adapter } = await connect(300);
    expect(adapter.isStatementTimeout?.(oracleError('NJS-123', 'call timeout of 300 ms exceeded'))).to.equal(true);
    expect(adapter.isStatementTimeout?.(oracleError('DPI-1067', 'call timeout of 300 ms exceeded with ORA-3156'))).to.equal(true);
    expect(adapter.isStatementTimeout?.(oracleError('ORA-01013', 'user requested cancel of current operation'))).to.equal(false);
    expect(adapter.isStatementTimeout?.(oracleError('ORA-00942', 'table or view does not exist'))).to.equal(false);
    expect(adapter.isStatementTimeout?.(null)).to.equal(false);
  });

  it('a call timeout reaches the caller as UNIPOOL_STATEMENT_TIMEOUT (cause: the driver error), and the connection is destroyed', async () => {
    const { adapter, conn } = await connect(300);
    const timedOut = oracleError('NJS-123', 'call timeout of 300 ms exceeded');
    conn.respond = () => ({ error: timedOut });
    const driverError = await adapter.query(conn, 'SELECT slow() FROM dual').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(driverError).to.equal(timedOut);
    const config: ResolvedDatabaseConfig = {
      alias: 'ora',
      engine: 'oracle',
      connection: settings,
      release: 'asap',
      statementTimeoutMs: 300,
      pool: { min: 0, max: 1, acquireTimeoutMs: 1000, maxWaiting: null, idleTimeoutMs: 1000, maxLifetimeMs: 0, maxUses: 0, validateAfterIdleMs: 0, connectTimeoutMs: 1000, order: 'lifo', leakDetectionMs: 0 },
    } as unknown as ResolvedDatabaseConfig;
    const core = new DatabaseCore(config, adapter as never, {} as PoolEngine<unknown>, { warn: () => undefined } as never);
    const pooled = { raw: conn } as unknown as PooledConnection<unknown>;
    const error = core.failure(pooled, driverError);
    expect(error).to.be.instanceOf(UnipoolError);
    expect((error as UnipoolError).code).to.equal('UNIPOOL_STATEMENT_TIMEOUT');
    expect((error as UnipoolError).cause).to.equal(timedOut);
    expect((error as Error).message).to.contain('unipool: pool "ora": the statement ran longer than statementTimeoutMs (300 ms): no answer came from the server in time, so the connection was destroyed');
    expect(adapter.isBroken(conn, driverError)).to.equal(true);
  });
});
