import type { DatabaseConnection, Driver, IsolationLevel as KyselyIsolationLevel, TransactionSettings } from 'kysely';
import type { BeginOptions, IsolationLevel } from '../../adapter.js';
import type { DatabaseCore } from '../../database-core.js';
import { UnipoolError } from '../../errors.js';
import { LibraryLease } from '../library-lease.js';
import { UnipoolKyselyConnection } from './unipool-kysely-connection.js';

const ISOLATION: Readonly<Partial<Record<KyselyIsolationLevel, IsolationLevel>>> = {
  'read uncommitted': 'read uncommitted',
  'read committed': 'read committed',
  'repeatable read': 'repeatable read',
  serializable: 'serializable',
};

/** Kysely's transaction settings as unipool's BEGIN options. */
function beginOptions(settings: TransactionSettings): BeginOptions {
  const options: { isolation?: IsolationLevel; readOnly?: boolean } = {};
  if (settings.isolationLevel !== undefined) {
    const isolation = ISOLATION[settings.isolationLevel];
    if (isolation === undefined) throw new UnipoolError('UNIPOOL_UNSUPPORTED', `unipool/kysely: isolation level "${settings.isolationLevel}" is not one unipool supports (${Object.keys(ISOLATION).join(', ')})`);
    options.isolation = isolation;
  }
  if (settings.accessMode !== undefined) options.readOnly = settings.accessMode === 'read only';
  return options;
}

function leaseOf(connection: DatabaseConnection): LibraryLease {
  return (connection as UnipoolKyselyConnection).lease;
}

/**
 * The Kysely driver whose connections are unipool leases. Kysely acquires a connection per
 * statement (given back at once), per `transaction()` / `connection()` / `stream()` (held until it
 * releases it); inside `db.atomic()`/`db.session()` every acquire shares the held connection and a
 * Kysely transaction there is a savepoint. `destroy()` leaves the pool open: it belongs to `dbs`.
 */
export class UnipoolDriver implements Driver {
  readonly #core: DatabaseCore;

  constructor(core: DatabaseCore) {
    this.#core = core;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new UnipoolKyselyConnection(await LibraryLease.lend(this.#core, 'Kysely connection'));
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await leaseOf(connection).begin(beginOptions(settings));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await leaseOf(connection).commit();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await leaseOf(connection).rollback();
  }

  async savepoint(connection: DatabaseConnection, savepointName: string): Promise<void> {
    await leaseOf(connection).savepoint(savepointName);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, savepointName: string): Promise<void> {
    await leaseOf(connection).rollbackToSavepoint(savepointName);
  }

  async releaseSavepoint(connection: DatabaseConnection, savepointName: string): Promise<void> {
    await leaseOf(connection).releaseSavepoint(savepointName);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await leaseOf(connection).release();
  }

  /** Nothing to close: `dbs.close()` closes the pool. */
  async destroy(): Promise<void> {}
}
