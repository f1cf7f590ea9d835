import { expect } from 'chai';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildDocsSite, DIST_DIR } from './support/build-docs-site.js';
import { launchChromium } from './support/launch-chromium.js';
import { serveStatic, type StaticServer } from './support/static-server.js';
import { ErrorCodes } from '../../src/errors.js';
import { optionAnchor } from '../../scripts/docs/render-configuration.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SCREENSHOTS = join(root, '.tmp/screenshots');
const ENGINES = ['postgres', 'mysql', 'sqlite', 'oracle'] as const;
const SECTION_INDEXES = ['/reference/', '/how-to/', '/explanation/', '/engines/', '/migration/', '/tutorial/', '/integrations/', '/contributing/'];

/** The options of one object of the schema (`pool`, `database`), for their anchors. */
function schemaOptions(def: string): string[] {
  const schema = JSON.parse(readFileSync(join(root, 'schema/databases.schema.json'), 'utf8')) as { $defs: Record<string, { properties?: Record<string, unknown> }> };
  return Object.keys(schema.$defs[def]?.properties ?? {});
}

/** Every built HTML file, relative to the site root. */
function builtPages(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'assets' ? [] : builtPages(dir, path);
    return entry.name.endsWith('.html') ? [path] : [];
  });
}

// The few DOM members the in-page checks use: the project compiles without the DOM lib, and these
// callbacks run in the browser, not in Node.
interface DomBox { readonly x: number; readonly y: number; readonly width: number; readonly height: number }
interface DomElement {
  readonly textContent: string | null;
  readonly nextElementSibling: DomElement | null;
  getBoundingClientRect(): { readonly top: number; readonly left: number; readonly right: number; readonly bottom: number };
  getAttribute(name: string): string | null;
}
interface SvgText extends DomElement {
  getBBox(): DomBox;
  getCTM(): { readonly a: number; readonly d: number; readonly e: number; readonly f: number } | null;
}
declare const document: {
  getElementById(id: string): DomElement | null;
  readonly documentElement: { readonly viewBox: { readonly baseVal: DomBox }; querySelectorAll(selector: 'text'): ArrayLike<SvgText> };
};

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

  it('renders the home page with the install line and a code sample in the hero, and a favicon', async () => {
    const { page, problems } = await open('/');
    expect(await page.title()).to.match(/unipool/);
    expect((await page.locator('.VPHero .name').innerText()).trim()).to.equal('unipool');
    expect(await page.locator('.VPFeature').count()).to.be.greaterThanOrEqual(6);
    const hero = page.locator('.VPHero .hero-code');
    expect(await hero.isVisible(), 'code sample in the hero').to.equal(true);
    const heroText = await hero.innerText();
    expect(heroText).to.include('npm install ../unipool-0.1.0.tgz pg');
    expect(heroText).to.include("import { createDatabases } from 'unipool';");
    expect(heroText).to.include('await db.atomic(async () => {');
    expect(heroText, 'never the registry name that belongs to someone else').not.to.match(/npm install unipool\b/);
    const cut = await page.locator('.VPHero .hero-code pre').evaluateAll((pres: unknown[]) => pres.filter((p) => (p as { scrollWidth: number }).scrollWidth > (p as { clientWidth: number }).clientWidth + 1).length);
    expect(cut, 'code lines wider than their box').to.equal(0);
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).to.equal('/favicon.svg');
    const favicon = await page.request.get(`${server.origin}${icon ?? ''}`);
    expect(favicon.status(), 'favicon').to.equal(200);
    expect(await page.locator('a[href="/integrations/"]').count(), 'a link to the integrations').to.be.greaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'home.png'), fullPage: true });
    expect(problems.errors).to.deep.equal([]);
    await page.close();
  });

  it('serves an index page for every section', async () => {
    for (const path of SECTION_INDEXES) {
      const { page, problems } = await open(path);
      expect(await heading(page), `${path}: h1`).not.to.equal('');
      expect(await page.locator('.vp-doc a[href]').count(), `${path}: links to its pages`).to.be.greaterThan(0);
      expect(problems.errors, path).to.deep.equal([]);
      await page.close();
    }
  });

  it('gives every error code an anchor with its cause and fix, and every option an anchor', async () => {
    const { page, problems } = await open('/reference/errors.html#unipool_connect_failed');
    const missing: string[] = [];
    for (const code of Object.keys(ErrorCodes)) {
      const section = await page.evaluate((id) => {
        const h = document.getElementById(id);
        const cause = h?.nextElementSibling?.textContent ?? '';
        const fix = h?.nextElementSibling?.nextElementSibling?.textContent ?? '';
        return { found: h !== null, text: h?.textContent ?? '', cause, fix };
      }, code.toLowerCase());
      if (!section.found) missing.push(`#${code.toLowerCase()}`);
      else {
        expect(section.text, code).to.include(code);
        expect(section.cause, `${code}: cause`).to.match(/^Cause\. \S/);
        expect(section.fix, `${code}: fix`).to.match(/^Fix\. \S/);
      }
    }
    // The browser scrolled to the anchor in the URL: the heading is at the top of the viewport.
    const top = await page.evaluate(() => document.getElementById('unipool_connect_failed')?.getBoundingClientRect().top ?? -1);
    expect(top, 'scrolled to #unipool_connect_failed').to.be.within(0, 200);
    await page.screenshot({ path: join(SCREENSHOTS, 'errors-anchor.png') });
    await page.close();

    const config = await open('/reference/configuration.html');
    for (const [section, def] of [['pool', 'pool'], ['database', 'database']] as const) {
      for (const option of schemaOptions(def)) {
        const id = optionAnchor(section, option);
        const text = await config.page.evaluate((anchor) => document.getElementById(anchor)?.textContent ?? null, id);
        if (text === null || !text.includes(option)) missing.push(`#${id}`);
      }
    }
    await config.page.close();
    expect(missing, 'anchors that do not resolve').to.deep.equal([]);
    expect([...problems.errors, ...config.problems.errors]).to.deep.equal([]);
  });

  it('answers "how do I pool on this engine?" on one page per engine', async () => {
    for (const engine of ENGINES) {
      const { page, problems } = await open(`/engines/${engine}.html`);
      expect(await heading(page)).to.match(/^Pooling on /);
      const text = await page.locator('.vp-doc').innerText();
      for (const part of ['Install', 'Minimal configuration', 'Production configuration', 'Known limits']) expect(text, `${engine}: ${part}`).to.include(part);
      // The generated parts are included: a pool-option table linking to the reference, and the capability table.
      expect(await page.locator('.vp-doc a[href*="configuration.html#pool-acquiretimeoutms"]').count(), `${engine}: pool options`).to.equal(1);
      expect(text, `${engine}: capability row`).to.include('Savepoints');
      expect(text, `${engine}: no internals for maintainers`).not.to.include('For maintainers');
      if (engine === 'postgres') await page.screenshot({ path: join(SCREENSHOTS, 'engine-postgres.png'), fullPage: true });
      expect(problems.errors, engine).to.deep.equal([]);
      await page.close();
    }
  });

  it('draws every benchmark chart with its text inside the canvas and a caption under it', async () => {
    const charts = readdirSync(join(root, DIST_DIR, 'bench')).filter((f) => f.endsWith('.svg'));
    expect(charts.length).to.be.greaterThan(0);
    const clipped: string[] = [];
    for (const chart of charts) {
      const { page, problems } = await open(`/bench/${chart}`);
      const outside = await page.evaluate(() => {
        const svg = document.documentElement;
        const box = svg.viewBox.baseVal;
        const out: string[] = [];
        for (const text of Array.from(svg.querySelectorAll('text'))) {
          const b = text.getBBox();
          // Rotated labels (the y axis) are measured in their own frame; check their transformed box.
          const m = text.getCTM();
          const xs = [b.x, b.x + b.width].map((x) => (m === null ? x : m.a * x + m.e));
          const ys = [b.y, b.y + b.height].map((y) => (m === null ? y : m.d * y + m.f));
          const r = text.getAttribute('transform') === null ? { left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) } : (() => {
            const c = text.getBoundingClientRect();
            return { left: c.left, right: c.right, top: c.top, bottom: c.bottom };
          })();
          if (r.left < box.x - 0.5 || r.right > box.x + box.width + 0.5 || r.top < box.y - 0.5 || r.bottom > box.y + box.height + 0.5) out.push(text.textContent ?? '');
        }
        return out;
      });
      for (const text of outside) clipped.push(`${chart}: "${text}"`);
      expect(problems.errors, chart).to.deep.equal([]);
      await page.close();
    }
    expect(clipped, 'text outside the viewBox').to.deep.equal([]);

    const { page, problems } = await open('/benchmarks.html');
    const figure = page.locator('img[src$="w2-connections-needed.svg"]');
    const caption = await figure.locator('xpath=ancestor::p/following-sibling::p[1]').innerText();
    expect(caption).to.match(/Hatched, outlined bars are estimates/);
    await figure.screenshot({ path: join(SCREENSHOTS, 'chart-w2-connections-needed.png') });
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

  /** The local search's results for `query`, as the page paths they link to, best first. */
  async function search(query: string, screenshot?: string): Promise<string[]> {
    const { page, problems } = await open('/');
    await page.locator('.VPNavBarSearch button').first().click();
    await page.locator('.VPLocalSearchBox input').fill(query);
    const results = page.locator('.VPLocalSearchBox .result');
    await results.first().waitFor({ timeout: 10_000 });
    // Results update as you type; wait until the list has settled on the full query.
    await page.waitForTimeout(500);
    const hrefs = await results.evaluateAll((anchors: unknown[]) => anchors.map((a) => new URL((a as { href: string }).href).pathname + new URL((a as { href: string }).href).hash));
    if (screenshot !== undefined) await page.screenshot({ path: join(SCREENSHOTS, screenshot) });
    expect(problems.errors).to.deep.equal([]);
    await page.close();
    return hrefs;
  }

  it('ranks the reference first when searching for an option or an error code', async () => {
    const option = await search('acquireTimeoutMs', 'search.png');
    expect(option[0], `first result of ${option.length}`).to.equal('/reference/configuration.html#pool-acquiretimeoutms');
    const code = await search('UNIPOOL_CONNECT_FAILED');
    expect(code[0], `first result of ${code.length}`).to.equal('/reference/errors.html#unipool_connect_failed');
    const other = await search('leakDetectionMs');
    expect(other[0]).to.equal('/reference/configuration.html#pool-leakdetectionms');
  });

  it('has no page that cites the design document', () => {
    const dist = join(root, DIST_DIR);
    const pages = builtPages(dist);
    expect(pages.length).to.be.greaterThan(40);
    const citing = pages.filter((p) => readFileSync(join(dist, p), 'utf8').includes('DESIGN §'));
    expect(citing).to.deep.equal([]);
  });

  it('renders every page of the sidebar with a title and no errors', async () => {
    const links: string[] = [];
    // The user's sidebar, and the contributors' one.
    for (const start of ['/tutorial/getting-started.html', '/contributing/']) {
      const { page: first } = await open(start);
      links.push(...(await first.locator('.VPSidebar a[href]').evaluateAll((anchors: unknown[]) => anchors.map((a) => new URL((a as { href: string }).href).pathname))));
      await first.close();
    }
    const unique = [...new Set(links)];
    expect(unique.length, 'sidebar links').to.be.greaterThan(20);
    expect(unique, 'internals are not in the user sidebar twice').to.include.members(['/contributing/benchmark-method.html', '/contributing/reliability-suite.html', '/contributing/writing-docs.html']);
    const failures: string[] = [];
    for (const link of unique) {
      const { page, problems } = await open(link);
      if ((await heading(page)) === '') failures.push(`${link}: no h1`);
      for (const error of problems.errors) failures.push(`${link}: ${error}`);
      await page.close();
    }
    expect(failures).to.deep.equal([]);
  });
});
