import type { BeginOptions, IsolationLevel } from '../adapter.js';
import { describeValue } from '../config/describe-value.js';
import type { DatabaseCore } from '../database-core.js';
import { TransactionError, UnipoolError } from '../errors.js';
import { AtomicBlock } from './atomic-block.js';
import { context, frameWith, type Frame } from './context.js';
import { Holder } from './holder.js';
import { findHeld } from './find-held.js';

/** Options of `db.atomic()`. Only the outermost block may set them. */
export interface AtomicOptions {
  /** Isolation level of the transaction (must be in the engine's `capabilities.isolationLevels`). */
  readonly isolation?: IsolationLevel;
  readonly readOnly?: boolean;
  /** Assert this is the outermost block: a durable block nested in another throws `UNIPOOL_TX_NESTED_DURABLE`. */
  readonly durable?: boolean;
}

const ISOLATION_LEVELS: readonly string[] = ['read uncommitted', 'read committed', 'repeatable read', 'serializable'];

function checkOptions(core: DatabaseCore, options: AtomicOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.atomic(options, fn): options must be an object, got ${typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'isolation' && key !== 'readOnly' && key !== 'durable') {
      throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.atomic(): unknown option "${key}" (expected isolation, readOnly, durable)`);
    }
  }
  const { isolation, readOnly, durable } = options;
  if (isolation !== undefined) {
    if (typeof isolation !== 'string' || !ISOLATION_LEVELS.includes(isolation)) {
      throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.atomic(): isolation must be one of ${ISOLATION_LEVELS.map((l) => `"${l}"`).join(', ')}, got ${describeValue(isolation)}`);
    }
    if (!core.adapter.capabilities.isolationLevels.includes(isolation)) {
      throw new UnipoolError('UNIPOOL_UNSUPPORTED', `engine "${core.config.engine}" does not support isolation "${isolation}" (supported: ${core.adapter.capabilities.isolationLevels.join(', ')})`);
    }
  }
  if (readOnly !== undefined && typeof readOnly !== 'boolean') throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.atomic(): readOnly must be a boolean, got ${describeValue(readOnly)}`);
  if (durable !== undefined && typeof durable !== 'boolean') throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.atomic(): durable must be a boolean, got ${describeValue(durable)}`);
  if (readOnly === true && !core.adapter.capabilities.readOnlyTransactions) {
    throw new UnipoolError('UNIPOOL_UNSUPPORTED', `engine "${core.config.engine}" does not support read-only transactions`);
  }
}

/**
 * `db.atomic()`: the outermost block runs BEGIN … COMMIT on one connection (acquired, or the one the
 * context already holds), nested blocks a savepoint. A throw rolls back and re-throws. `onCommit`
 * callbacks run after the outermost COMMIT and after the connection is released. Not async itself:
 * every transaction passes here, and each async layer costs a promise.
 * @internal
 */
export function runAtomic<T>(core: DatabaseCore, options: AtomicOptions, fn: () => T | Promise<T>): Promise<T> {
  try {
    checkOptions(core, options);
    const frame = context.getStore();
    const held = findHeld(core, frame);
    if (held?.block !== undefined) return runNested(core, frame, held.holder, held.block, options, fn);
    if (held !== undefined) {
      held.holder.assertHeld();
      // A session or scope connection: the transaction runs on it, and it stays held afterwards.
      if (core.policy.inTransaction(held.holder.conn)) {
        throw new TransactionError('UNIPOOL_TX_MANUAL_ACTIVE', `unipool: pool "${core.config.alias}": atomic() cannot start inside a manual transaction (BEGIN …) on the held connection — COMMIT or ROLLBACK it first, or run the whole transaction in atomic()`);
      }
    }
    return runOutermost(core, frame, held?.holder, options, fn);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Options for the adapter's BEGIN: only those set (the common case shares one empty object). */
function beginOptions(options: AtomicOptions): BeginOptions {
  if (options.isolation === undefined && options.readOnly === undefined) return NO_BEGIN_OPTIONS;
  return {
    ...(options.isolation === undefined ? {} : { isolation: options.isolation }),
    ...(options.readOnly === undefined ? {} : { readOnly: options.readOnly }),
  };
}
const NO_BEGIN_OPTIONS: BeginOptions = Object.freeze({});

/** The outermost block, on the connection the context holds (`held`) or on one it acquires and releases. */
async function runOutermost<T>(core: DatabaseCore, frame: Frame | undefined, held: Holder | undefined, options: AtomicOptions, fn: () => T | Promise<T>): Promise<T> {
  const owned = held === undefined;
  const holder = held ?? new Holder(core.acquireNow() ?? (await core.acquire()), 'atomic');
  const raw = holder.conn.raw;
  const block = new AtomicBlock(undefined, undefined);
  let result: T;
  try {
    await core.adapter.begin(raw, beginOptions(options));
  } catch (error) {
    const failure = core.failure(holder.conn, error);
    if (owned) await finish(core, holder);
    throw failure;
  }
  holder.atomic = block;
  try {
    result = await context.run(frameWith(frame, core, { holder, block }), fn);
    if (holder.busy) await holder.settle();
    try {
      await core.adapter.commit(raw);
    } catch (error) {
      // Only the COMMIT's own error is classified: an error from `fn` is the caller's and passes unchanged.
      throw core.failure(holder.conn, error);
    }
  } catch (error) {
    if (holder.busy) await holder.settle();
    try {
      await core.adapter.rollback(raw);
    } catch (rollbackError) {
      // The connection is in an unknown state: it must never be reused.
      core.markBroken(raw);
      core.logger.warn(`unipool: pool "${core.config.alias}": ROLLBACK failed, the connection is destroyed: ${(rollbackError as Error)?.message ?? String(rollbackError)}`);
    }
    holder.atomic = undefined;
    if (owned) await finish(core, holder);
    throw error;
  }
  holder.atomic = undefined;
  if (owned) {
    const cleaning = finish(core, holder);
    if (cleaning !== undefined) await cleaning;
  }
  for (const callback of block.onCommit) core.runCallback(callback, 'an onCommit callback');
  return result;
}

/** Gives the block's own connection back: a promise only when it must be cleaned first (see `ReleasePolicy`). */
function finish(core: DatabaseCore, holder: Holder): Promise<void> | void {
  holder.markEnded();
  return core.policy.release(holder.conn, 'ended');
}

async function runNested<T>(core: DatabaseCore, frame: Frame | undefined, holder: Holder, parent: AtomicBlock, options: AtomicOptions, fn: () => T | Promise<T>): Promise<T> {
  if (options.durable === true) {
    throw new TransactionError('UNIPOOL_TX_NESTED_DURABLE', `unipool: pool "${core.config.alias}": atomic({ durable: true }) must be the outermost block, but it runs inside another atomic() block — remove durable, or call it outside any transaction so its COMMIT is final`);
  }
  if (options.isolation !== undefined || options.readOnly !== undefined) {
    throw new TransactionError('UNIPOOL_TX_OPTIONS_NESTED', `unipool: pool "${core.config.alias}": a nested atomic() block cannot set isolation or readOnly — they belong to the outermost block; set them there, or drop them from the nested call`);
  }
  if (!core.adapter.capabilities.savepoints) {
    throw new UnipoolError('UNIPOOL_UNSUPPORTED', `engine "${core.config.engine}" has no savepoints, so atomic() blocks cannot be nested`);
  }
  holder.assertHeld();
  return parent.runChild(async () => {
    const raw = holder.conn.raw;
    const name = holder.nextSavepointName();
    await holder.track(core.adapter.savepoint(raw, name)).catch((error: unknown) => {
      throw core.failure(holder.conn, error);
    });
    const block = new AtomicBlock(parent, name);
    let result: T;
    try {
      result = await context.run(frameWith(frame, core, { holder, block }), fn);
      await holder.settle();
      await holder.track(core.adapter.releaseSavepoint(raw, name)).catch((error: unknown) => {
        throw core.failure(holder.conn, error);
      });
    } catch (error) {
      await holder.settle();
      await core.adapter.rollbackToSavepoint(raw, name).catch((rollbackError: unknown) => {
        core.logger.warn(`unipool: pool "${core.config.alias}": ROLLBACK TO SAVEPOINT failed: ${(rollbackError as Error)?.message ?? String(rollbackError)}`);
      });
      throw error;
    }
    parent.onCommit.push(...block.onCommit);
    return result;
  });
}
