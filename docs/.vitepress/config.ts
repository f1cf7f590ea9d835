import { defineConfig } from 'vitepress';

// Sidebar groups follow Diátaxis: learn (tutorial), do (how-to), look up (reference),
// understand (explanation); engines and migration guides sit beside them.
const sidebar = [
  { text: 'Tutorial', items: [{ text: 'Getting started', link: '/tutorial/getting-started' }] },
  {
    text: 'How-to guides',
    items: [
      { text: 'Size a pool', link: '/how-to/size-a-pool' },
      { text: 'Run behind PgBouncer', link: '/how-to/pgbouncer' },
      { text: 'Serverless', link: '/how-to/serverless' },
      { text: 'Graceful shutdown', link: '/how-to/graceful-shutdown' },
      { text: 'Read replicas', link: '/how-to/read-replicas' },
      { text: 'Debug pool exhaustion and leaks', link: '/how-to/debug-pool-exhaustion' },
      { text: 'Monitor pools', link: '/how-to/monitor-pools' },
    ],
  },
  {
    text: 'Reference',
    items: [
      { text: 'Configuration', link: '/reference/configuration' },
      { text: 'Capability matrix', link: '/reference/capabilities' },
      { text: 'API', link: '/reference/api' },
      { text: 'Command line', link: '/reference/cli' },
      { text: 'Error codes', link: '/reference/errors' },
      { text: 'Metrics and channels', link: '/reference/metrics' },
    ],
  },
  {
    text: 'Explanation',
    items: [
      { text: 'Why release-ASAP', link: '/explanation/release-asap' },
      { text: 'The release policy in full', link: '/explanation/release-policy' },
      { text: 'Session state', link: '/explanation/session-state' },
      { text: 'Configuration rules', link: '/explanation/configuration-rules' },
      { text: 'The pool engine', link: '/explanation/pool-engine' },
      { text: 'Statement cache and query cost', link: '/explanation/statement-cache' },
      { text: 'Reliability under faults', link: '/explanation/reliability' },
      { text: 'Beyond one machine', link: '/explanation/beyond-one-machine' },
    ],
  },
  {
    text: 'Engines',
    items: [
      { text: 'PostgreSQL', link: '/engines/postgres' },
      { text: 'MySQL / MariaDB', link: '/engines/mysql' },
      { text: 'SQLite', link: '/engines/sqlite' },
      { text: 'Oracle', link: '/engines/oracle' },
    ],
  },
  {
    text: 'Migrating',
    collapsed: true,
    items: [
      { text: 'From pg.Pool', link: '/migration/from-pg-pool' },
      { text: 'From the mysql2 pool', link: '/migration/from-mysql2' },
      { text: 'From the oracledb pool', link: '/migration/from-oracledb' },
      { text: 'From knex', link: '/migration/from-knex' },
      { text: 'From Prisma', link: '/migration/from-prisma' },
      { text: 'From Django', link: '/migration/from-django' },
    ],
  },
  { text: 'Benchmarks', items: [{ text: 'Results', link: '/benchmarks' }, { text: 'Method', link: '/benchmarks-method' }] },
  { text: 'Project', items: [{ text: 'Writing these docs', link: '/contributing-docs' }] },
];

export default defineConfig({
  title: 'unipool',
  description: 'One validated connection-pool config for PostgreSQL, MySQL/MariaDB, SQLite and Oracle, with connections released as soon as possible.',
  lang: 'en-US',
  cleanUrls: false,
  lastUpdated: false,
  // Screenshots from the browser test and the build cache are not pages.
  srcExclude: ['**/README.md'],
  head: [['meta', { name: 'theme-color', content: '#3c8772' }]],
  markdown: { theme: { light: 'github-light', dark: 'github-dark' } },
  themeConfig: {
    nav: [
      { text: 'Tutorial', link: '/tutorial/getting-started' },
      { text: 'How-to', link: '/how-to/size-a-pool' },
      { text: 'Reference', link: '/reference/configuration' },
      { text: 'Explanation', link: '/explanation/release-asap' },
      { text: 'Engines', link: '/engines/postgres' },
      { text: 'Migrating', link: '/migration/from-pg-pool' },
      { text: 'Benchmarks', link: '/benchmarks' },
    ],
    sidebar,
    search: { provider: 'local' },
    outline: { level: [2, 3] },
    footer: { message: 'Released under the MIT License.' },
  },
});
