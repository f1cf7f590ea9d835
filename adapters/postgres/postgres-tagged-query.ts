import type { PgCommandCompleteMessage, PgQueryCallback, PgQueryConstructor, PgSubmittableHooks } from './postgres-driver-types.js';
import type { StatementTag } from './postgres-session-state.js';

/** A `pg.Query` that records the full command tag of each statement as it completes. */
export interface TaggedQuery extends PgSubmittableHooks {
  /** Filled while the query runs, in statement order (also when it fails part-way). */
  readonly tags: StatementTag[];
}

/**
 * Builds a `TaggedQuery`: SQL text (pg's string form, which pg does not copy) or a pg query config
 * object (`name`, `rowMode`, `types`… for `db.pgPool()`), values, callback.
 */
export type TaggedQueryConstructor = new (text: string | object, values: unknown[] | undefined, callback: PgQueryCallback) => TaggedQuery;

const classes = new WeakMap<PgQueryConstructor, TaggedQueryConstructor>();

/**
 * The tag-recording subclass of this `pg` module's `Query`, made once per module. A subclass keeps
 * pg's objects one shape on the per-query path (patching hooks onto each instance does not), and
 * the string form of the constructor spares pg a copy of a config object per query.
 * `recordStatementTags()` does the same for submittables we do not construct (pg-cursor).
 */
export function taggedQueryClass(Query: PgQueryConstructor): TaggedQueryConstructor {
  let Tagged = classes.get(Query);
  if (Tagged === undefined) {
    const Base = Query as unknown as new (text: string | object, values: unknown[] | undefined, callback: PgQueryCallback) => PgSubmittableHooks;
    Tagged = class extends Base implements TaggedQuery {
      readonly tags: StatementTag[] = [];
      #described = false;

      override handleRowDescription(message: unknown): void {
        this.#described = true;
        super.handleRowDescription(message);
      }

      override handleCommandComplete(message: PgCommandCompleteMessage, connection: unknown): void {
        this.tags.push({ tag: message.text ?? message.command ?? '', described: this.#described });
        this.#described = false;
        super.handleCommandComplete(message, connection);
      }
    };
    classes.set(Query, Tagged);
  }
  return Tagged;
}
