import { CHANNELS, DURATION_BUCKETS_SECONDS, LABELS, METRICS } from '../../src/metrics/metric-definitions.js';
import { code, generatedHeader, page, table, text } from './markdown.js';

/** `docs/reference/metrics.md`: the metrics of `dbs.metrics()` and the diagnostics channels. */
export function renderMetrics(): string {
  const metrics = table(
    ['Metric', 'Type', 'Unit', 'Labels', 'Description'],
    METRICS.map((m) => [code(m.name), m.type, code(m.unit), m.labels.map(code).join(', '), `${text(m.description)} (OpenTelemetry ${code(m.otelName)})`]),
  );
  const labels = table(['Label', 'Meaning'], LABELS.map((l) => [code(l.name), text(l.description)]));
  const channels = table(
    ['Channel', 'Kind', 'Published when', 'Message'],
    CHANNELS.map((c) => [code(c.name), c.kind === 'tracing' ? '`TracingChannel`' : '`Channel`', text(c.description), code(c.message)]),
  );

  return page([
    '---\ntitle: Metrics and diagnostics channels\n---',
    generatedHeader('src/metrics/metric-definitions.ts'),
    '# Metrics and diagnostics channels',
    'unipool reports on its pools three ways: `db.stats()` (numbers you can read in code — see the [API reference](./api.md#db-stats)), ' +
      '`dbs.metrics()` (Prometheus text for every pool), and `diagnostics_channel` events that tracers and loggers can subscribe to without unipool depending on them.',
    '## `dbs.metrics()`',
    'Returns the [Prometheus text exposition format](https://prometheus.io/docs/instrumenting/exposition_formats/) for every configured pool. ' +
      'Names follow the OpenTelemetry semantic conventions for database client connection metrics, spelled the way the OpenTelemetry Prometheus exporter spells them, so dashboards built for either work.',
    '```ts\napp.get(\'/metrics\', (_req, res) => {\n  res.type(\'text/plain; version=0.0.4\').send(dbs.metrics());\n});\n```',
    metrics,
    '### Labels',
    labels,
    `Histograms use the buckets (in seconds) ${DURATION_BUCKETS_SECONDS.map((b) => code(String(b))).join(', ')} and \`+Inf\`, and write the usual \`_bucket\`, \`_sum\` and \`_count\` series.`,
    '## Diagnostics channels',
    'Published with [`node:diagnostics_channel`](https://nodejs.org/api/diagnostics_channel.html). A channel with no subscribers costs one check, so they are always on. `Engine` is `\'postgres\' | \'mysql\' | \'sqlite\' | \'oracle\'`; ids are numbers unique within one pool.',
    channels,
    '```ts\nimport { subscribe, tracingChannel } from \'node:diagnostics_channel\';\n\nsubscribe(\'unipool:timeout\', (message: unknown) => {\n  console.warn(\'unipool acquire timeout\', message);\n});\n\n// Query tracing: start/end/error around every statement.\ntracingChannel<unknown, { sql: string; error?: unknown }>(\'unipool:query\').subscribe({\n  start(context) { console.log(\'query\', context.sql); },\n  end() {},\n  asyncStart() {},\n  asyncEnd() {},\n  error(context) { console.error(\'query failed\', context.sql, context.error); },\n});\n```',
    'Read messages inside the handler; do not keep or change them. If a subscriber throws, Node re-throws the error on the next tick as an uncaught exception — it never unwinds through the pool, so the pool\'s state stays consistent.',
  ]);
}
