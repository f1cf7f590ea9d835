/**
 * What unipool exposes to monitoring, as plain data: the Prometheus/OpenTelemetry metrics of
 * `dbs.metrics()` and the `diagnostics_channel` channels. The metrics implementation reads these
 * definitions and the docs' metrics page is generated from them, so the two cannot drift.
 *
 * Names follow the OpenTelemetry semantic conventions for database client connection metrics
 * (`db.client.connection.*`), written the way the OpenTelemetry Prometheus exporter spells them:
 * dots become underscores, durations are in seconds with a `_seconds` suffix, counters end in `_total`.
 */

/** Prometheus metric type. */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One metric of `dbs.metrics()`. */
export interface MetricDefinition {
  /** Prometheus name, e.g. `db_client_connection_count`. */
  readonly name: string;
  /** The OpenTelemetry instrument it corresponds to, e.g. `db.client.connection.count`. */
  readonly otelName: string;
  readonly type: MetricType;
  /** UCUM-style unit as OpenTelemetry writes it: `{connection}`, `{request}`, `{timeout}`, `s`. */
  readonly unit: string;
  /** Label names, in the order they are written. */
  readonly labels: readonly string[];
  /** `# HELP` text and the docs' description. */
  readonly description: string;
  /** Histogram bucket upper bounds in seconds (histograms only). */
  readonly buckets?: readonly number[];
}

/** One label and the values it takes. */
export interface LabelDefinition {
  readonly name: string;
  readonly description: string;
}

/**
 * Histogram buckets for connection wait/use/create times, in seconds. They reach down to 1 ms
 * because with release-ASAP a connection is typically held for one query (about a millisecond on a
 * local network) and up to 10 s so an acquire timeout near the 30 s default still lands in `+Inf`
 * visibly rather than in a bucket that hides it.
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

/** The labels every metric carries (plus `state` on `db_client_connection_count`, `replica` on a replica's series). */
export const LABELS: readonly LabelDefinition[] = Object.freeze([
  { name: 'pool', description: 'The database alias, e.g. `default` (OpenTelemetry `db.client.connection.pool.name`).' },
  { name: 'engine', description: 'The engine: `postgres`, `mysql`, `sqlite` or `oracle`.' },
  { name: 'role', description: '`primary` for the database\'s own pool, `replica` for the pool of one of its read replicas (`replicas`).' },
  { name: 'replica', description: 'The read replica\'s server, `host:port` (only on `role="replica"` series, so each replica of a database is its own series).' },
  { name: 'state', description: '`idle` or `used` (only on `db_client_connection_count`).' },
]);

/** Every metric `dbs.metrics()` writes, in the order it writes them. */
export const METRICS: readonly MetricDefinition[] = Object.freeze([
  {
    name: 'db_client_connection_count',
    otelName: 'db.client.connection.count',
    type: 'gauge',
    unit: '{connection}',
    labels: ['pool', 'engine', 'role', 'replica', 'state'],
    description: 'Open connections, by state: `idle` (in the pool) or `used` (lent out).',
  },
  {
    name: 'db_client_connection_max',
    otelName: 'db.client.connection.max',
    type: 'gauge',
    unit: '{connection}',
    labels: ['pool', 'engine', 'role', 'replica'],
    description: 'The most connections the pool may open (`pool.max`).',
  },
  {
    name: 'db_client_connection_idle_min',
    otelName: 'db.client.connection.idle.min',
    type: 'gauge',
    unit: '{connection}',
    labels: ['pool', 'engine', 'role', 'replica'],
    description: 'The connections the pool keeps open even when idle (`pool.min`).',
  },
  {
    name: 'db_client_connection_pending_requests',
    otelName: 'db.client.connection.pending_requests',
    type: 'gauge',
    unit: '{request}',
    labels: ['pool', 'engine', 'role', 'replica'],
    description: 'Callers waiting for a connection right now.',
  },
  {
    name: 'db_client_connection_timeouts_total',
    otelName: 'db.client.connection.timeouts',
    type: 'counter',
    unit: '{timeout}',
    labels: ['pool', 'engine', 'role', 'replica'],
    description: 'Acquires that gave up after `acquireTimeoutMs` (`UNIPOOL_ACQUIRE_TIMEOUT`).',
  },
  {
    name: 'db_client_connection_wait_time_seconds',
    otelName: 'db.client.connection.wait_time',
    type: 'histogram',
    unit: 's',
    labels: ['pool', 'engine', 'role', 'replica'],
    description: 'Time a caller waited to obtain a connection.',
    buckets: DURATION_BUCKETS_SECONDS,
  },
  {
    name: 'db_client_connection_use_time_seconds',
    otelName: 'db.client.connection.use_time',
    type: 'histogram',
    unit: 's',
    labels: ['pool', 'engine', 'role', 'replica'],
    description: 'Time a connection was held from acquire to release (one query outside a transaction).',
    buckets: DURATION_BUCKETS_SECONDS,
  },
  {
    name: 'db_client_connection_create_time_seconds',
    otelName: 'db.client.connection.create_time',
    type: 'histogram',
    unit: 's',
    labels: ['pool', 'engine', 'role', 'replica'],
    description: 'Time it took to open a new connection.',
    buckets: DURATION_BUCKETS_SECONDS,
  },
]);

/** How a channel is published. */
export type ChannelKind = 'channel' | 'tracing';

/** One `diagnostics_channel` channel. */
export interface ChannelDefinition {
  /** Channel name for `diagnostics_channel.subscribe()` (or `tracingChannel()` when `kind` is `tracing`). */
  readonly name: string;
  readonly kind: ChannelKind;
  /** When it is published. */
  readonly description: string;
  /** The message (or tracing context) shape, written as a TypeScript type. */
  readonly message: string;
}

/**
 * Every `diagnostics_channel` channel unipool publishes to. Nothing is built or published without
 * subscribers. `connectionId` is unique within one pool; `connectionId` plus `uses` (that
 * connection's checkout count, this one included) identifies one lease. No message carries a password.
 */
export const CHANNELS: readonly ChannelDefinition[] = Object.freeze([
  {
    name: 'unipool:acquire',
    kind: 'channel',
    description: 'A caller obtained a connection (after waiting, if it had to).',
    message: '{ alias: string; engine: Engine; connectionId: number; uses: number; waitMs: number }',
  },
  {
    name: 'unipool:release',
    kind: 'channel',
    description: 'A lease ended: the connection goes back to the pool, or is closed (then `unipool:destroy` follows).',
    message: '{ alias: string; engine: Engine; connectionId: number; uses: number; holdMs: number }',
  },
  {
    name: 'unipool:create',
    kind: 'channel',
    description: 'A connection attempt finished: `connectionId` and `createMs` when it opened, `error` (the driver error) when it failed.',
    message: '{ alias: string; engine: Engine; connectionId?: number; createMs?: number; error?: unknown }',
  },
  {
    name: 'unipool:destroy',
    kind: 'channel',
    description: 'A connection was closed, with the reason (the pool engine\'s `DestroyReason`).',
    message: "{ alias: string; engine: Engine; connectionId: number; reason: 'idle' | 'lifetime' | 'max-uses' | 'validation' | 'broken' | 'bad-state' | 'closed' | 'forced' }",
  },
  {
    name: 'unipool:timeout',
    kind: 'channel',
    description: 'An acquire gave up after `acquireTimeoutMs`, with the pool numbers at that moment; `error` is the `AcquireTimeoutError` thrown to the caller (its `cause` is the last connect error, if any).',
    message: '{ alias: string; engine: Engine; acquireTimeoutMs: number; size: number; inUse: number; idle: number; waiting: number; error: Error }',
  },
  {
    name: 'unipool:leak',
    kind: 'channel',
    description: 'A lease has been held longer than `leakDetectionMs` (published once per lease); `stack` is where it was acquired, starting at the first frame outside unipool.',
    message: '{ alias: string; engine: Engine; connectionId: number; uses: number; heldMs: number; leakDetectionMs: number; stack: string }',
  },
  {
    name: 'unipool:query',
    kind: 'tracing',
    description:
      'Every `db.query()` statement, as a `TracingChannel` (`tracing:unipool:query:start`, `:end`, `:asyncStart`, `:asyncEnd`, `:error`); `result` or `error` is set on the same context object when the statement settles. `sql` is the statement text as sent (placeholders, not values); parameter values are never published, only their count. Transaction control (BEGIN, COMMIT, savepoints) and `stream()` are not traced.',
    message:
      "{ alias: string; engine: Engine; connectionId: number; sql: string; paramCount: number; held: 'none' | 'atomic' | 'session' | 'scope'; result?: QueryResult; error?: unknown }",
  },
]);
