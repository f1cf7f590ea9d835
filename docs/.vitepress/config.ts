import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type DefaultTheme } from 'vitepress';

const docsDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The title of a page: its frontmatter `title`, else its first `# ` heading, else its file name.
 * Read at build time so a page dropped into a folder appears in the sidebar with no edit here.
 */
function pageTitle(file: string): string {
  const source = readFileSync(file, 'utf8');
  const front = /^---\n([\s\S]*?)\n---/.exec(source)?.[1];
  const fromFront = front === undefined ? undefined : /^title:\s*['"]?(.+?)['"]?\s*$/m.exec(front)?.[1];
  const fromHeading = /^# (.+)$/m.exec(source)?.[1];
  return (fromFront ?? fromHeading ?? file.replace(/^.*\/|\.md$/g, '')).replace(/`/g, '').trim();
}

/** Every page of `docs/<folder>/` except its index, sorted by title: for sections that grow by adding files. */
function folderItems(folder: string): DefaultTheme.SidebarItem[] {
  let names: string[];
  try {
    names = readdirSync(join(docsDir, folder)).filter((name) => name.endsWith('.md') && name !== 'index.md');
  } catch {
    return []; // the folder does not exist yet
  }
  return names
    .map((name) => ({ text: pageTitle(join(docsDir, folder, name)), link: `/${folder}/${name.replace(/\.md$/, '')}` }))
    .sort((a, b) => a.text.localeCompare(b.text, 'en'));
}

// The user's sidebar follows Diátaxis: learn (tutorial), do (how-to), look up (reference),
// understand (explanation), with the engine pages first because "how do I pool on X?" is the
// question most readers arrive with. Internals for contributors have their own sidebar.
const userSidebar: DefaultTheme.SidebarItem[] = [
  {
    text: 'Start here',
    items: [
      { text: 'Install', link: '/install' },
      { text: 'Tutorial: getting started', link: '/tutorial/getting-started' },
    ],
  },
  {
    text: 'Engines',
    link: '/engines/',
    items: [
      { text: 'Pooling on PostgreSQL', link: '/engines/postgres' },
      { text: 'Pooling on MySQL & MariaDB', link: '/engines/mysql' },
      { text: 'Pooling on SQLite', link: '/engines/sqlite' },
      { text: 'Pooling on Oracle', link: '/engines/oracle' },
    ],
  },
  // Built from the files in docs/integrations/: an integration page needs no edit here.
  { text: 'Integrations', link: '/integrations/', collapsed: false, items: folderItems('integrations') },
  {
    text: 'How-to guides',
    link: '/how-to/',
    items: [
      { text: 'Size a pool', link: '/how-to/size-a-pool' },
      { text: 'Run behind PgBouncer', link: '/how-to/pgbouncer' },
      { text: 'Set statement timeouts', link: '/how-to/set-statement-timeouts' },
      { text: 'Serverless', link: '/how-to/serverless' },
      { text: 'Graceful shutdown', link: '/how-to/graceful-shutdown' },
      { text: 'Read replicas', link: '/how-to/read-replicas' },
      { text: 'Connect over TLS', link: '/how-to/tls' },
      { text: 'Rotate passwords and IAM tokens', link: '/how-to/rotating-credentials' },
      { text: 'Survive a failover', link: '/how-to/failover' },
      { text: 'Debug pool exhaustion and leaks', link: '/how-to/debug-pool-exhaustion' },
      { text: 'Monitor pools', link: '/how-to/monitor-pools' },
    ],
  },
  {
    text: 'Reference',
    link: '/reference/',
    items: [
      { text: 'Configuration', link: '/reference/configuration' },
      { text: 'Error codes', link: '/reference/errors' },
      { text: 'API', link: '/reference/api' },
      { text: 'Capability matrix', link: '/reference/capabilities' },
      { text: 'Command line', link: '/reference/cli' },
      { text: 'Type mapping', link: '/reference/type-mapping' },
      { text: 'Metrics and channels', link: '/reference/metrics' },
    ],
  },
  {
    text: 'Explanation',
    link: '/explanation/',
    items: [
      { text: 'Why release-ASAP', link: '/explanation/release-asap' },
      { text: 'The release policy in full', link: '/explanation/release-policy' },
      { text: 'Session state', link: '/explanation/session-state' },
      { text: 'Configuration rules', link: '/explanation/configuration-rules' },
      { text: 'The pool engine', link: '/explanation/pool-engine' },
      { text: 'Statement cache and query cost', link: '/explanation/statement-cache' },
      { text: 'Read replicas: routing and fallback', link: '/explanation/read-replicas' },
      { text: 'Pipelining', link: '/explanation/pipelining' },
      { text: 'Beyond one machine', link: '/explanation/beyond-one-machine' },
    ],
  },
  {
    text: 'Migrating',
    link: '/migration/',
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
  { text: 'Benchmarks', items: [{ text: 'Results', link: '/benchmarks' }] },
  { text: 'Contributing', items: [{ text: 'Internals', link: '/contributing/' }] },
];

const contributingSidebar: DefaultTheme.SidebarItem[] = [
  {
    text: 'Contributing',
    link: '/contributing/',
    items: [
      { text: 'How the benchmarks work', link: '/contributing/benchmark-method' },
      { text: 'The reliability suite', link: '/contributing/reliability-suite' },
      { text: 'Where each decision lives', link: '/contributing/code-layout' },
      { text: 'Writing these docs', link: '/contributing/writing-docs' },
    ],
  },
  { text: 'Back to the docs', items: [{ text: 'Home', link: '/' }] },
];

export default defineConfig({
  title: 'unipool',
  description: 'One validated connection-pool config for PostgreSQL, MySQL/MariaDB, SQLite and Oracle, with connections released as soon as possible.',
  lang: 'en-US',
  cleanUrls: false,
  lastUpdated: false,
  // Screenshots from the browser test and the build cache are not pages; engines/parts/ holds
  // generated fragments that the engine pages include.
  srcExclude: ['**/README.md', 'engines/parts/**'],
  head: [
    ['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }],
    ['meta', { name: 'theme-color', content: '#3c8772' }],
  ],
  markdown: { theme: { light: 'github-light', dark: 'github-dark' } },
  themeConfig: {
    logo: '/favicon.svg',
    nav: [
      { text: 'Install', link: '/install' },
      { text: 'Tutorial', link: '/tutorial/getting-started' },
      { text: 'Engines', link: '/engines/' },
      { text: 'Integrations', link: '/integrations/' },
      { text: 'How-to', link: '/how-to/' },
      { text: 'Reference', link: '/reference/' },
      { text: 'Explanation', link: '/explanation/' },
      { text: 'Benchmarks', link: '/benchmarks' },
    ],
    sidebar: { '/contributing/': contributingSidebar, '/': userSidebar },
    // No public repository URL exists yet, so there is no GitHub icon: "Install" explains how to
    // get the code, which is the honest answer to "where is the repository?".
    search: {
      provider: 'local',
      options: {
        miniSearch: {
          // A heading that is exactly the searched name (an option, an error code) outranks pages
          // that merely mention it; the reference has one heading per option and per code.
          searchOptions: { boost: { title: 8, text: 2, titles: 1 } },
        },
      },
    },
    outline: { level: [2, 3] },
    footer: { message: 'Released under the MIT License. <a href="/contributing/">Contributing</a>' },
  },
});
