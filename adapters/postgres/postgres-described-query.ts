import type { Row } from '../../src/adapter.js';
import type { PgCommandCompleteMessage, PgFieldDescription, PgQueryCallback, PgQueryConstructor, PgResult } from './postgres-driver-types.js';
import type { StatementTag } from './postgres-session-state.js';
import type { TaggedQuery } from './postgres-tagged-query.js';

/**
 * The result description of a cached statement, taken from its clean run alone (when the server
 * answered its Describe). A pipelined run of the statement reuses it and sends no Describe: the
 * server skips building a RowDescription and the client skips parsing one and looking up a type
 * parser per column, on every run. It stays right for as long as the prepared statement exists:
 * when DDL changes the statement's result type, PostgreSQL refuses to execute it (SQLSTATE 0A000,
 * "cached plan must not change result type"), and the cache drops the entry and its description.
 */
export interface PgStatementDescription {
  readonly fields: readonly PgFieldDescription[];
  /** A row with every column set to null, in column order: copied for each row, as pg does. */
  readonly emptyRow: Readonly<Row>;
  /** The described run had a RowDescription (for telling a SELECT from SELECT INTO by its tag). */
  readonly described: boolean;
}

/** pg's `Result`, as far as describing a statement needs (pg internals, read defensively). */
interface PgResultInternals extends PgResult {
  readonly rowAsArray?: boolean;
  readonly fields: readonly (PgFieldDescription & { readonly format?: string })[];
}

/** pg's type-parser registry of one client (`client._types`), which pg hands every query's result. */
interface PgTypeRegistry {
  getTypeParser(oid: number, format: string): (text: string) => unknown;
}

/**
 * The description of a named statement's result as pg just parsed it, or undefined when it cannot
 * be reused as is: rows as arrays, or binary columns.
 */
export function describeResult(result: PgResult, described: boolean): PgStatementDescription | undefined {
  const pgResult = result as PgResultInternals;
  if (pgResult.rowAsArray === true) return undefined;
  const fields = pgResult.fields;
  // Filled without a prototype, then spread, as pg builds its rows: a column named `__proto__`
  // becomes a field of the row rather than its prototype.
  const columns = Object.create(null) as Row;
  for (const field of fields) {
    if ((field.format ?? 'text') !== 'text') return undefined;
    columns[field.name] = null;
  }
  return { fields, emptyRow: { ...columns }, described };
}

/** What `DescribedQuery` hands its callback: pg's result shape, filled from the cached description. */
class DescribedResult implements PgResult {
  command: string | null = null;
  rowCount: number | null = null;
  readonly rows: Row[] = [];
  constructor(readonly fields: readonly PgFieldDescription[]) {}
}

/**
 * Builds a `DescribedQuery` for this `pg` module: the statement's text and name, its encoded values
 * (text, Buffer or null), its description; `begin`: a deferred BEGIN to write ahead of it.
 */
export type DescribedQueryConstructor = new (text: string, name: string, values: readonly unknown[], description: PgStatementDescription, callback: PgQueryCallback, begin?: string) => TaggedQuery & { readonly name: string };

interface PgWire {
  readonly stream: { readonly writable?: boolean; write(chunk: Buffer): boolean };
}

interface PgDataRowMessage {
  readonly fields: readonly (string | null)[];
}

const classes = new WeakMap<PgQueryConstructor, DescribedQueryConstructor>();

/**
 * A query for a run of a described statement, pipelined or alone: Bind, Execute and Sync in one
 * write, no Describe (and, first in a transaction, the deferred BEGIN ahead of them). pg's
 * pipeline mode accepts no submittable but its own `Query`, so this one's prototype
 * chain goes through this pg module's `Query.prototype`; every member pg reads on a query
 * (`submit`, the `handle…` hooks, `name`, `text`, `callback`, `_result`, `rows`, `binary`) is its
 * own, so `Query`'s constructor — an EventEmitter, a config copy and a `Result`, on every
 * statement — is not run. Made once per pg module.
 */
export function describedQueryClass(Query: PgQueryConstructor): DescribedQueryConstructor {
  let Described = classes.get(Query);
  if (Described !== undefined) return Described;
  class DescribedQuery implements TaggedQuery {
    readonly tags: StatementTag[] = [];
    /** pg's `client.query()` sets `_types` here, the client's type parsers, as on every `Query`'s result. */
    readonly _result: { _types?: PgTypeRegistry } = { _types: undefined };
    readonly rows = undefined;
    readonly binary = false;
    readonly #result: DescribedResult;
    #rowError: Error | undefined = undefined;
    /** A BEGIN was written ahead of the statement and its CommandComplete has not arrived yet. */
    #beginPending: boolean;
    /** Looked up at the first row of each run, as pg does per run: a parser set after the statement was described still applies. */
    #parsers: ((text: string) => unknown)[] | undefined = undefined;

    constructor(
      readonly text: string,
      readonly name: string,
      readonly encodedValues: readonly unknown[],
      readonly description: PgStatementDescription,
      public callback: PgQueryCallback,
      readonly begin?: string,
    ) {
      this.#result = new DescribedResult(description.fields);
      this.#beginPending = begin !== undefined;
    }

    submit(connection: PgWire): Error | null {
      const stream = connection.stream;
      if (stream.writable !== false) stream.write(bindExecuteSync(this.name, this.encodedValues, this.begin));
      return null;
    }

    handleRowDescription(): void {
      // Not asked for (no Describe is sent); the cached description stands.
    }

    handleDataRow(message: PgDataRowMessage): void {
      if (this.#rowError !== undefined) return;
      const { fields, emptyRow } = this.description;
      const values = message.fields;
      const row: Row = { ...emptyRow };
      try {
        const parsers = (this.#parsers ??= parsersOf(fields, this._result._types));
        for (let i = 0; i < values.length; i++) {
          const raw = values[i];
          row[(fields[i] as PgFieldDescription).name] = raw === null || raw === undefined ? null : (parsers[i] as (text: string) => unknown)(raw);
        }
      } catch (error) {
        // As pg does: a value its parser rejects fails the statement once it has finished.
        this.#rowError = error as Error;
        return;
      }
      this.#result.rows.push(row);
    }

    handleCommandComplete(message: PgCommandCompleteMessage): void {
      if (this.#beginPending) {
        // The BEGIN's own: not the statement's result.
        this.#beginPending = false;
        return;
      }
      const tag = message.text ?? message.command ?? '';
      this.tags.push({ tag, described: this.description.described });
      const result = this.#result;
      const space = tag.indexOf(' ');
      result.command = space < 0 ? tag : tag.slice(0, space);
      // The row count is the tag's last number: `SELECT 3`, `UPDATE 3`, `INSERT 0 3`.
      const count = Number(tag.slice(tag.lastIndexOf(' ') + 1));
      if (space > 0 && Number.isInteger(count)) result.rowCount = count;
    }

    handleEmptyQuery(): void {}

    handleError(error: Error): void {
      const rowError = this.#rowError;
      this.#rowError = undefined;
      this.callback(rowError ?? error);
    }

    handleReadyForQuery(): void {
      const rowError = this.#rowError;
      if (rowError !== undefined) {
        this.#rowError = undefined;
        this.callback(rowError);
        return;
      }
      this.callback(null, this.#result);
    }
  }
  Object.setPrototypeOf(DescribedQuery.prototype, (Query as unknown as { prototype: object }).prototype);
  Described = DescribedQuery as unknown as DescribedQueryConstructor;
  classes.set(Query, Described);
  return Described;
}

/** The text parser of each column, from the client's registry (pg sets it on every query it runs). */
function parsersOf(fields: readonly PgFieldDescription[], types: PgTypeRegistry | undefined): ((text: string) => unknown)[] {
  if (types === undefined) throw new Error('postgres: pg gave this query no type parsers (client._types); pg 8.x always does');
  const parsers = new Array<(text: string) => unknown>(fields.length);
  for (let i = 0; i < fields.length; i++) parsers[i] = types.getTypeParser((fields[i] as PgFieldDescription).dataTypeID, 'text');
  return parsers;
}

const EXECUTE = Buffer.from([0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0]);
const EXECUTE_SYNC = Buffer.from([...EXECUTE, 0x53, 0, 0, 0, 4]);
/** Bind of the unnamed portal to the unnamed statement: no parameters, text results. */
const BIND_UNNAMED = Buffer.from([0x42, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0]);

/**
 * `begin` as Parse (unnamed statement), Bind and Execute, with no Sync: what follows up to the
 * next Sync runs only if it succeeds.
 */
function beginMessages(begin: string): Buffer {
  const sqlBytes = Buffer.byteLength(begin);
  const parseLength = 4 + 1 + sqlBytes + 1 + 2;
  const buffer = Buffer.allocUnsafe(1 + parseLength + BIND_UNNAMED.length + EXECUTE.length);
  buffer[0] = 0x50;
  buffer.writeInt32BE(parseLength, 1);
  buffer[5] = 0;
  let at = 6 + buffer.write(begin, 6, 'utf8');
  buffer[at++] = 0;
  at = buffer.writeInt16BE(0, at);
  at += BIND_UNNAMED.copy(buffer, at);
  EXECUTE.copy(buffer, at);
  return buffer;
}

/**
 * Bind (unnamed portal, the named statement, text parameters — binary for Buffers, as pg sends
 * them — and text results), Execute (all rows) and Sync, as one buffer; `begin`'s messages first.
 */
function bindExecuteSync(name: string, values: readonly unknown[], begin: string | undefined): Buffer {
  const count = values.length;
  let binary = false;
  let valueBytes = 0;
  for (let i = 0; i < count; i++) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    if (Buffer.isBuffer(value)) {
      binary = true;
      valueBytes += value.length;
    } else valueBytes += Buffer.byteLength(value as string);
  }
  const formatCodes = binary ? count : 0;
  // length, portal "", name + NUL, format codes, values, result formats (none: all text)
  const bindLength = 4 + 1 + name.length + 1 + 2 + 2 * formatCodes + 2 + 4 * count + valueBytes + 2;
  const buffer = Buffer.allocUnsafe(1 + bindLength + EXECUTE_SYNC.length);
  buffer[0] = 0x42;
  buffer.writeInt32BE(bindLength, 1);
  buffer[5] = 0;
  let at = 6 + buffer.write(name, 6, 'latin1');
  buffer[at++] = 0;
  at = buffer.writeInt16BE(formatCodes, at);
  if (binary) for (let i = 0; i < count; i++) at = buffer.writeInt16BE(Buffer.isBuffer(values[i]) ? 1 : 0, at);
  at = buffer.writeInt16BE(count, at);
  for (let i = 0; i < count; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      at = buffer.writeInt32BE(-1, at);
    } else if (Buffer.isBuffer(value)) {
      at = buffer.writeInt32BE(value.length, at);
      at += value.copy(buffer, at);
    } else {
      const start = at + 4;
      const written = buffer.write(value as string, start, 'utf8');
      buffer.writeInt32BE(written, at);
      at = start + written;
    }
  }
  at = buffer.writeInt16BE(0, at);
  EXECUTE_SYNC.copy(buffer, at);
  return begin === undefined ? buffer : Buffer.concat([beginMessages(begin), buffer]);
}
