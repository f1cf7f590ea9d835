/*
 * What `unipool doctor` learns from a server, and the helpers each engine's probe uses. Each adapter
 * folder has its own probe (`adapters/<engine>/<engine>-server-facts.ts`), reached through its
 * descriptor: the doctor never switches on the engine name.
 */
import type { Row } from './adapter.js';

/** Runs one statement on the doctor's connection and returns its rows. */
export type RunQuery = (sql: string) => Promise<Row[]>;

/** The server's connection limit as it applies to the configured user. */
export interface ConnectionLimit {
  /** Connections this user may open in total, across every client. */
  readonly limit: number;
  /** Connections open on the server right now (every client), when the server tells. */
  readonly inUse: number | undefined;
  /** How `limit` was worked out, e.g. `max_connections 100 − superuser_reserved_connections 3`. */
  readonly source: string;
}

/** What the doctor learns from a server. */
export interface ServerFacts {
  readonly version: string;
  /** Undefined when the engine has none (SQLite) or the user may not read it (`limitNote` says why). */
  readonly limit: ConnectionLimit | undefined;
  readonly limitNote: string | undefined;
  /** The server closes sessions idle longer than this (ms); undefined when it never does or cannot tell. */
  readonly idleTimeoutMs: number | undefined;
  /** The server setting behind `idleTimeoutMs`, e.g. `wait_timeout`. */
  readonly idleTimeoutSetting: string | undefined;
  /** Engine-specific facts worth a line, e.g. SQLite's journal mode. */
  readonly notes: readonly string[];
}

/** A driver may hand numbers back as strings or bigints; undefined for anything not a finite number. */
export function toNumber(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** The first row of `sql`, or an empty row. */
export async function firstRow(query: RunQuery, sql: string): Promise<Row> {
  return (await query(sql))[0] ?? {};
}

