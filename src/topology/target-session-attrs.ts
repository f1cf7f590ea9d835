/**
 * Which server a new connection must reach when a database lists several (libpq's
 * `target_session_attrs`): `any` — the first that answers; `read-write` — one that accepts writes;
 * `read-only` — one that does not; `primary` — not a standby; `standby` — a hot standby;
 * `prefer-standby` — a standby when any host is one, else any.
 */
export type TargetSessionAttrs = 'any' | 'read-write' | 'read-only' | 'primary' | 'standby' | 'prefer-standby';

/** Every `targetSessionAttrs` value, in the order the docs list them. */
export const TARGET_SESSION_ATTRS: readonly TargetSessionAttrs[] = Object.freeze(['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby']);

/**
 * What a fresh connection reports about its server: `readOnly` — its session cannot write
 * (PostgreSQL `transaction_read_only`, MySQL `@@read_only`/`@@innodb_read_only`); `standby` — the
 * server is a replica (PostgreSQL `pg_is_in_recovery()`; MySQL has no such notion and reports
 * `readOnly` again).
 */
export interface SessionAttributes {
  readonly readOnly: boolean;
  readonly standby: boolean;
}

/** True when `target` needs to know the server's attributes (everything but `any`). */
export function needsSessionAttributes(target: TargetSessionAttrs): boolean {
  return target !== 'any';
}

/**
 * True when a server with `attributes` is acceptable for `target` on the first pass over the hosts.
 * `prefer-standby` accepts only standbys here; the caller's second pass accepts any server.
 */
export function matchesTarget(target: TargetSessionAttrs, attributes: SessionAttributes): boolean {
  switch (target) {
    case 'any':
      return true;
    case 'read-write':
      return !attributes.readOnly;
    case 'read-only':
      return attributes.readOnly;
    case 'primary':
      return !attributes.standby;
    case 'standby':
    case 'prefer-standby':
      return attributes.standby;
  }
}

/** How a server that did not match is described in `UNIPOOL_CONNECT_FAILED`: "is read-only", "is a standby". */
export function describeMismatch(target: TargetSessionAttrs, attributes: SessionAttributes): string {
  if (target === 'primary' || target === 'standby' || target === 'prefer-standby') return attributes.standby ? 'is a standby' : 'is not a standby';
  return attributes.readOnly ? 'is read-only' : 'accepts writes';
}

/**
 * True when a connection whose server turned read-only should be evicted (with every other
 * connection to that server): when the database wants a writable server, or does not say. A
 * database that asked for a read-only server or a standby got one, and a write failing there is
 * the caller's mistake, not a failover.
 */
export function evictsReadOnlyServers(target: TargetSessionAttrs): boolean {
  return target === 'any' || target === 'read-write' || target === 'primary';
}
