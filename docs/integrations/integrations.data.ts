// Lists the integration pages present in docs/integrations/ at build time, so a page dropped into
// the folder appears on the index with no edit (the sidebar does the same in config.ts).
import { createContentLoader } from 'vitepress';

/** One integration page: where it is and what it is called. */
export interface IntegrationPage {
  readonly url: string;
  readonly title: string;
  readonly description: string;
}

declare const data: IntegrationPage[];
export { data };

export default createContentLoader('integrations/*.md', {
  includeSrc: true,
  transform(pages): IntegrationPage[] {
    return pages
      .filter((page) => !page.url.endsWith('/integrations/'))
      .map((page) => {
        const title = (page.frontmatter['title'] as string | undefined) ?? /^# (.+)$/m.exec(page.src ?? '')?.[1] ?? page.url;
        const description = (page.frontmatter['description'] as string | undefined) ?? '';
        return { url: page.url, title: title.replace(/`/g, ''), description };
      })
      .sort((a, b) => a.title.localeCompare(b.title, 'en'));
  },
});
