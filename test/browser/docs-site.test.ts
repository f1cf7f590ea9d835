import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildDocsSite, DIST_DIR } from './support/build-docs-site.js';
import { launchChromium } from './support/launch-chromium.js';
import { serveStatic, type StaticServer } from './support/static-server.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SCREENSHOTS = join(root, '.tmp/screenshots');
const ENGINES = ['postgres', 'mysql', 'sqlite', 'oracle'] as const;

/** What went wrong while a page loaded: console errors, uncaught errors, failed or outside requests. */
interface PageProblems {
  readonly errors: string[];
}

describe('docs site in a browser', function () {
  this.timeout(300_000);
  let server: StaticServer;
  let browser: Browser;

  before(async () => {
    await buildDocsSite(root);
    server = await serveStatic(join(root, DIST_DIR));
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The page's h1 text, without VitePress' header anchor (a zero-width space). */
  async function heading(page: Page): Promise<string> {
    const text = await page.locator('h1').first().innerText({ timeout: 5_000 }).catch(() => '');
    return text.replace(/\u200b/g, '').trim();
  }

  /** Opens `path` in a fresh page and records every problem while it loads and settles. */
  async function open(path: string): Promise<{ page: Page; problems: PageProblems }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: PageProblems = { errors: [] };
    // Hermetic: the site must not need anything from outside; such requests are refused and reported.
    await page.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => {
      problems.errors.push(`request outside the site: ${route.request().url()}`);
      return route.abort();
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.errors.push(`console error: ${msg.text()}`);
    });
    page.on('pageerror', (error) => problems.errors.push(`page error: ${error.message}`));
    page.on('requestfailed', (req) => {
      if (req.url().startsWith(server.origin)) problems.errors.push(`request failed: ${req.url()} (${req.failure()?.errorText ?? '?'})`);
    });
    page.on('response', (res) => {
      if (res.url().startsWith(server.origin) && res.status() >= 400) problems.errors.push(`HTTP ${res.status()}: ${res.url()}`);
    });
    const response = await page.goto(`${server.origin}${path}`, { waitUntil: 'networkidle' });
    expect(response?.status(), `${path}: HTTP status`).to.equal(200);
    return { page, problems };
  }

  it('renders the home page with its hero and features', async () => {
    const { page, problems } = await open('/');
    expect(await page.title()).to.match(/unipool/);
    expect((await page.locator('.VPHero .name').innerText()).trim()).to.equal('unipool');
    expect(await page.locator('.VPFeature').count()).to.be.greaterThanOrEqual(6);
    await page.screenshot({ path: join(SCREENSHOTS, 'home.png'), fullPage: true });
    expect(problems.errors).to.deep.equal([]);
    await page.close();
  });

  it('renders the capability matrix with a row per engine', async () => {
    const { page, problems } = await open('/reference/capabilities.html');
    expect(await heading(page)).to.equal('Capability matrix');
    const matrix = page.locator('.vp-doc table').first();
    expect((await matrix.locator('thead th').first().innerText()).trim()).to.equal('Engine');
    const firstCells = (await matrix.locator('tbody tr td:first-child').allInnerTexts()).map((t) => t.trim());
    expect(firstCells, 'one row per engine, in order').to.have.length(ENGINES.length);
    ENGINES.forEach((engine, i) => expect(firstCells[i]).to.include(`(${engine})`));
    expect(firstCells[3]).to.include('not verified in CI');
    await page.screenshot({ path: join(SCREENSHOTS, 'capabilities.png'), fullPage: true });
    expect(problems.errors).to.deep.equal([]);
    await page.close();
  });

  it('renders the configuration reference with the pool options', async () => {
    const { page, problems } = await open('/reference/configuration.html');
    expect(await heading(page)).to.equal('Configuration reference');
    const options = (await page.locator('#pool ~ table').first().locator('tbody tr td:first-child').allInnerTexts()).map((t) => t.trim());
    expect(options).to.include.members(['min', 'max', 'acquireTimeoutMs', 'maxWaiting', 'idleTimeoutMs', 'maxLifetimeMs', 'maxUses', 'validateAfterIdleMs', 'connectTimeoutMs', 'order', 'leakDetectionMs']);
    await page.screenshot({ path: join(SCREENSHOTS, 'configuration.png'), fullPage: true });
    expect(problems.errors).to.deep.equal([]);
    await page.close();
  });

  it('finds an option with the local search', async () => {
    const { page, problems } = await open('/');
    await page.locator('.VPNavBarSearch button').first().click();
    await page.locator('.VPLocalSearchBox input').fill('leakDetectionMs');
    const results = page.locator('.VPLocalSearchBox .result');
    await results.first().waitFor({ timeout: 10_000 });
    expect(await results.count()).to.be.greaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'search.png') });
    expect(problems.errors).to.deep.equal([]);
    await page.close();
  });

  it('renders every page of the sidebar with a title and no errors', async () => {
    const { page: first } = await open('/tutorial/getting-started.html');
    const links = [...new Set(await first.locator('.VPSidebar a[href]').evaluateAll((anchors: unknown[]) => anchors.map((a) => new URL((a as { href: string }).href).pathname)))];
    await first.close();
    expect(links.length, 'sidebar links').to.be.greaterThan(20);
    const failures: string[] = [];
    for (const link of links) {
      const { page, problems } = await open(link);
      if ((await heading(page)) === '') failures.push(`${link}: no h1`);
      for (const error of problems.errors) failures.push(`${link}: ${error}`);
      await page.close();
    }
    expect(failures).to.deep.equal([]);
  });
});
