import type { OracleConnection, OracleExecuteOptions } from './oracle-driver-types.js';

/** What the adapter tracks about one oracledb connection. */
export interface OracleConnectionState {
  /**
   * `begin()` ran and neither `commit()` nor `rollback()` has yet: statements run with
   * `autoCommit: false`. Outside, every statement commits on success, so releasing the connection
   * after it is always safe.
   */
  inAtomic: boolean;
  /** A `stream()` result set is open. */
  streaming: boolean;
  /** The connection must not be reused (see `reset()`); the core closes it. */
  retiredBecause: string | undefined;
  /** The adapter is closing it, or a call failed with a connection error. */
  closed: boolean;
  /** The int64 fetch handler of this connection's database (undefined: oracledb's own mapping). */
  fetchTypeHandler: OracleExecuteOptions['fetchTypeHandler'];
}

// Keyed by the connection so the object handed to the core stays the plain oracledb connection.
const states = new WeakMap<OracleConnection, OracleConnectionState>();

/** The adapter's state for `conn`, created on first use. */
export function connectionState(conn: OracleConnection): OracleConnectionState {
  let state = states.get(conn);
  if (state === undefined) {
    state = { inAtomic: false, streaming: false, retiredBecause: undefined, closed: false, fetchTypeHandler: undefined };
    states.set(conn, state);
  }
  return state;
}

/** True while the adapter and oracledb's local health check both consider the connection open. */
export function isOpen(conn: OracleConnection): boolean {
  if (connectionState(conn).closed) return false;
  return typeof conn.isHealthy === 'function' ? conn.isHealthy() : true;
}
