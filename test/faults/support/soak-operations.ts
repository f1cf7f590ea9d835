import type { Database, DatabaseRegistry } from '../../../src/index.js';
import { pause } from './pool-invariants.js';
import type { SeededRandom } from './seeded-random.js';

/** The SQL of one engine that the soak needs. */
export interface SoakDialect {
  readonly p: (n: number) => string;
  readonly createTable: (table: string) => string;
  /** `n` (echo of the first parameter) and `leak`: the session state, as a plain query sees it. */
  readonly probe: string;
  /** Sets session state (a custom setting, a user variable, a temp table). */
  readonly setSession: string;
  /** Reads it back as `v`; inside the session it is `on` (or 1). */
  readonly readSession: string;
  /** Rows 1…500 as `n`. */
  readonly series: string;
  /** Statements the server rejects. */
  readonly badSql: readonly string[];
}

export const DIALECTS = {
  postgres: {
    p: (n) => `$${n}`,
    createTable: (table) => `CREATE TABLE ${table} (id INTEGER PRIMARY KEY, kind TEXT NOT NULL)`,
    probe: "SELECT $1::int AS n, current_setting('unipool.soak', true) AS leak",
    setSession: "SET unipool.soak = 'on'",
    readSession: "SELECT current_setting('unipool.soak', true) AS v",
    series: 'SELECT g AS n FROM generate_series(1, 500) AS g',
    badSql: ['SELECT * FROM t_faults_no_such_table', 'SELEC 1'],
  },
  mysql: {
    p: () => '?',
    createTable: (table) => `CREATE TABLE ${table} (id INTEGER PRIMARY KEY, kind VARCHAR(40) NOT NULL) ENGINE=InnoDB`,
    probe: 'SELECT ? + 0 AS n, @soak AS leak',
    setSession: "SET @soak = 'on'",
    readSession: 'SELECT @soak AS v',
    series: 'SELECT seq AS n FROM seq_1_to_500',
    badSql: ['SELECT * FROM t_faults_no_such_table', 'SELEC 1'],
  },
  sqlite: {
    p: () => '?',
    createTable: (table) => `CREATE TABLE ${table} (id INTEGER PRIMARY KEY, kind TEXT NOT NULL)`,
    probe: "SELECT ? AS n, (SELECT count(*) FROM temp.sqlite_master WHERE name = 'soak_tmp') AS leak",
    setSession: 'CREATE TEMP TABLE IF NOT EXISTS soak_tmp (x INTEGER)',
    readSession: "SELECT CASE WHEN count(*) = 1 THEN 'on' END AS v FROM temp.sqlite_master WHERE name = 'soak_tmp'",
    series: 'WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 500) SELECT n FROM s',
    badSql: ['SELECT * FROM t_faults_no_such_table', 'SELEC 1'],
  },
} as const satisfies Record<string, SoakDialect>;

/** A deliberate failure thrown by soak operations (an expected outcome, not a bug). */
export class SoakFailure extends Error {}

/** Rows the soak wrote, by what must be true of them at the end. */
export interface Ledger {
  /** Committed: must be in the table. */
  readonly present: Set<number>;
  /** Rolled back (a failed block, a scope that ended in a manual transaction): must not be. */
  readonly absent: Set<number>;
}

/** Everything an operation needs. */
export interface SoakContext {
  readonly db: Database;
  readonly dbs: DatabaseRegistry;
  readonly dialect: SoakDialect;
  readonly table: string;
  readonly random: SeededRandom;
  readonly ledger: Ledger;
  /** Starts an operation that the worker does not wait for (an abandoned promise); it is still tracked. */
  readonly detach: (op: () => Promise<unknown>) => void;
  nextId(): number;
}

function insertSql(ctx: SoakContext): string {
  return `INSERT INTO ${ctx.table} (id, kind) VALUES (${ctx.dialect.p(1)}, ${ctx.dialect.p(2)})`;
}

async function insert(ctx: SoakContext, kind: string): Promise<number> {
  const id = ctx.nextId();
  await ctx.db.query(insertSql(ctx), [id, kind]);
  return id;
}

/** Settles `ids` once the outermost block's fate is known. */
function book(ledger: Ledger, committed: boolean, ids: Iterable<number>): void {
  for (const id of ids) (committed ? ledger.present : ledger.absent).add(id);
}

function isUnset(value: unknown): boolean {
  return value === null || value === undefined || value === '' || Number(value) === 0;
}

/** A plain query: the right answer, and no session state left by anyone. */
async function probe(ctx: SoakContext): Promise<void> {
  const n = ctx.random.int(1, 1_000_000);
  const { rows } = await ctx.db.query<{ n: unknown; leak: unknown }>(ctx.dialect.probe, [n]);
  if (Number(rows[0]?.n) !== n) throw new Error(`probe: asked for ${n}, got ${String(rows[0]?.n)}`);
  if (!isUnset(rows[0]?.leak)) throw new Error(`probe: session state leaked into a plain query: ${String(rows[0]?.leak)}`);
}

/** An autocommit insert outside any block. */
async function autocommit(ctx: SoakContext): Promise<void> {
  const id = ctx.nextId();
  await ctx.db.query(insertSql(ctx), [id, 'autocommit']);
  ctx.ledger.present.add(id);
}

/** atomic { insert; atomic { insert; maybe throw }; insert; maybe throw }. */
async function nestedAtomic(ctx: SoakContext): Promise<void> {
  const outer: number[] = [];
  const inner: number[] = [];
  let innerCommitted = false;
  const failInner = ctx.random.chance(0.3);
  const failOuter = ctx.random.chance(0.2);
  try {
    await ctx.db.atomic(async () => {
      outer.push(await insert(ctx, 'outer'));
      await ctx.db
        .atomic(async () => {
          inner.push(await insert(ctx, 'inner'));
          if (failInner) throw new SoakFailure('inner block fails');
        })
        .then(
          () => (innerCommitted = true),
          (error: unknown) => {
            if (!(error instanceof SoakFailure)) throw error;
          },
        );
      outer.push(await insert(ctx, 'outer'));
      if (failOuter) throw new SoakFailure('outer block fails');
    });
  } catch (error) {
    book(ctx.ledger, false, [...outer, ...inner]);
    throw error;
  }
  book(ctx.ledger, true, outer);
  book(ctx.ledger, innerCommitted, inner);
}

/** A server error inside a savepoint; the transaction goes on after it. */
async function failingStatementInSavepoint(ctx: SoakContext): Promise<void> {
  const ids: number[] = [];
  try {
    await ctx.db.atomic(async () => {
      ids.push(await insert(ctx, 'before-error'));
      await ctx.db.atomic(() => ctx.db.query(ctx.dialect.badSql[0] as string)).catch(() => undefined);
      ids.push(await insert(ctx, 'after-error'));
    });
  } catch (error) {
    book(ctx.ledger, false, ids);
    throw error;
  }
  book(ctx.ledger, true, ids);
}

/** Two nested blocks under Promise.all in one transaction, one of which may fail. */
async function parallelNested(ctx: SoakContext): Promise<void> {
  const ids: number[] = [];
  const fail = ctx.random.chance(0.4);
  try {
    await ctx.db.atomic(() =>
      Promise.all([
        ctx.db.atomic(async () => void ids.push(await insert(ctx, 'parallel-a'))),
        ctx.db.atomic(async () => {
          ids.push(await insert(ctx, 'parallel-b'));
          if (fail) throw new SoakFailure('one parallel block fails');
        }),
      ]),
    );
  } catch (error) {
    book(ctx.ledger, false, ids);
    throw error;
  }
  book(ctx.ledger, true, ids);
}

/** A stream left early with `break`. */
async function streamBreak(ctx: SoakContext): Promise<void> {
  const stop = ctx.random.int(1, 300);
  let expected = 1;
  for await (const row of ctx.db.stream<{ n: unknown }>(ctx.dialect.series, [], { batchSize: ctx.random.int(1, 100) })) {
    if (Number(row.n) !== expected) throw new Error(`stream: expected row ${expected}, got ${String(row.n)}`);
    if (++expected > stop) break;
  }
}

/** session { set state; read it back; maybe a transaction; maybe wait; maybe throw }. */
async function session(ctx: SoakContext): Promise<void> {
  const ids: number[] = [];
  let committed = false;
  const fail = ctx.random.chance(0.2);
  try {
    await ctx.db.session(async () => {
      await ctx.db.query(ctx.dialect.setSession);
      const { rows } = await ctx.db.query<{ v: unknown }>(ctx.dialect.readSession);
      if (String(rows[0]?.v) !== 'on') throw new Error(`session: state not visible inside the session: ${String(rows[0]?.v)}`);
      if (ctx.random.chance(0.5)) {
        await ctx.db.atomic(async () => void ids.push(await insert(ctx, 'session')));
        committed = true;
      }
      await pause(ctx.random.int(0, 10));
      if (fail) throw new SoakFailure('session block fails');
    });
  } finally {
    book(ctx.ledger, committed, ids);
  }
}

/** Session state outside a session: rejected or reset, never left behind. */
async function stateOutsideSession(ctx: SoakContext): Promise<void> {
  await ctx.db.query(ctx.dialect.setSession);
}

/** A statement the server rejects. */
async function badStatement(ctx: SoakContext): Promise<void> {
  await ctx.db.query(ctx.dialect.badSql[ctx.random.int(0, ctx.dialect.badSql.length - 1)] as string);
}

/** BEGIN outside any scope: rolled back, UNIPOOL_TX_OUTSIDE_SCOPE. */
async function beginOutsideScope(ctx: SoakContext): Promise<void> {
  await ctx.db.query('BEGIN');
}

/** A manual transaction in a scope: committed, or abandoned with a statement still in flight. */
async function scopeTransaction(ctx: SoakContext): Promise<void> {
  const commit = ctx.random.chance(0.5);
  await ctx.dbs.scope(async () => {
    await ctx.db.query('BEGIN');
    const first = await insert(ctx, 'scope');
    if (commit) {
      await ctx.db.query('COMMIT');
      ctx.ledger.present.add(first);
      return;
    }
    // The scope ends while this insert may still run: it belongs to the rolled-back transaction.
    const second = ctx.nextId();
    ctx.ledger.absent.add(first);
    ctx.ledger.absent.add(second);
    ctx.detach(() => ctx.db.query(insertSql(ctx), [second, 'scope-in-flight']));
    if (ctx.random.chance(0.5)) {
      // Work the request goes on with after its scope ended (a client abort ends the scope of
      // dbs.middleware() while the handler runs): it belongs to the same, rolled-back transaction,
      // and must fail rather than run on another connection in autocommit.
      const late = ctx.nextId();
      ctx.ledger.absent.add(late);
      ctx.detach(async () => {
        await pause(ctx.random.int(0, 5));
        await ctx.db.query(insertSql(ctx), [late, 'scope-late']);
        await ctx.db.query('COMMIT');
      });
    }
  });
}

/** A transaction raced against a short timer and abandoned by the caller; it runs to its end anyway. */
async function abandonedAtomic(ctx: SoakContext): Promise<void> {
  const op = (async (): Promise<void> => {
    const ids: number[] = [];
    try {
      await ctx.db.atomic(async () => {
        ids.push(await insert(ctx, 'abandoned'));
        await pause(ctx.random.int(0, 20));
        ids.push(await insert(ctx, 'abandoned'));
      });
    } catch (error) {
      book(ctx.ledger, false, ids);
      throw error;
    }
    book(ctx.ledger, true, ids);
  })();
  ctx.detach(() => op);
  await Promise.race([op.catch(() => undefined), pause(ctx.random.int(0, 10))]);
}

/** A statement run on the session's connection while a stream over it is open. */
async function queryDuringStream(ctx: SoakContext): Promise<void> {
  await ctx.db.session(async () => {
    for await (const _row of ctx.db.stream(ctx.dialect.series, [], { batchSize: 10 })) {
      await ctx.db.query(ctx.dialect.probe, [1]);
    }
  });
}

/** The operations and how often each runs. */
export const OPERATIONS = {
  probe: [probe, 20],
  autocommit: [autocommit, 8],
  nestedAtomic: [nestedAtomic, 14],
  failingStatementInSavepoint: [failingStatementInSavepoint, 6],
  parallelNested: [parallelNested, 5],
  streamBreak: [streamBreak, 8],
  session: [session, 12],
  stateOutsideSession: [stateOutsideSession, 4],
  badStatement: [badStatement, 5],
  beginOutsideScope: [beginOutsideScope, 3],
  scopeTransaction: [scopeTransaction, 8],
  abandonedAtomic: [abandonedAtomic, 5],
  queryDuringStream: [queryDuringStream, 2],
} as const satisfies Record<string, readonly [(ctx: SoakContext) => Promise<void>, number]>;

export type OperationName = keyof typeof OPERATIONS;
