import { AsyncLocalStorage } from 'node:async_hooks';
import type { AtomicBlock } from './atomic-block.js';
import type { Holder } from './holder.js';

/**
 * What the current async context holds for one database: the connection, and — inside `atomic()` —
 * the innermost atomic block of this context (so nested blocks know their parent).
 */
export interface HeldConnection {
  readonly holder: Holder;
  readonly block: AtomicBlock | undefined;
}

/** A request scope (`dbs.scope()` / `dbs.middleware()`): connections it holds are released when it ends. */
export class Scope {
  /** Per database (keyed by its core object): a connection held for the scope. */
  readonly holders = new Map<object, Holder>();
  /** Acquires in progress for `release: 'request'`, so concurrent first queries share one connection. */
  readonly pending = new Map<object, Promise<Holder>>();
  ended = false;
}

/**
 * The async-context frame. `held` is copied on write, so a child context (an `atomic()` or
 * `session()` body) sees its parent's connections while siblings under `Promise.all` each get their own.
 */
export interface Frame {
  readonly scope: Scope | undefined;
  readonly held: ReadonlyMap<object, HeldConnection> | undefined;
}

/** One store for the whole process: a frame per async context. */
export const context = new AsyncLocalStorage<Frame>();

/** The frame of a child context in which `db` holds `entry`. */
export function frameWith(parent: Frame | undefined, db: object, entry: HeldConnection): Frame {
  const held = new Map(parent?.held);
  held.set(db, entry);
  return { scope: parent?.scope, held };
}
