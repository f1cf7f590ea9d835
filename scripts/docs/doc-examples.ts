import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The comment that opts the next code block out of every check. */
export const SKIP_MARKER = '<!-- docs-check: skip -->';
/** The title (in the info string) that marks a JSON block as a unipool configuration file. */
export const CONFIG_TITLE = 'unipool.config.json';

/** One fenced code block of a Markdown page. */
export interface CodeBlock {
  /** Page path relative to the repository root, with `/` separators. */
  readonly page: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** Language: the first word of the info string (`ts` in ```` ```ts [after: unipool] ````). */
  readonly lang: string;
  /** The bracketed title of the info string, if any (`after: unipool`). */
  readonly title: string | undefined;
  readonly code: string;
  /** The line above the fence is the skip marker. */
  readonly skipped: boolean;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*(.*)$/;

/** Every fenced code block of one Markdown document (CommonMark fences, nested fences respected). */
export function extractCodeBlocks(page: string, markdown: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (open === null) continue;
    const fence = open[1] ?? '```';
    const info = (open[2] ?? '').trim();
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j] ?? '');
      if (close !== null && close[1]?.[0] === fence[0] && (close[1]?.length ?? 0) >= fence.length && (close[2] ?? '').trim() === '') break;
      body.push(lines[j] ?? '');
    }
    const lang = /^[\w+#-]*/.exec(info)?.[0].toLowerCase() ?? '';
    const title = /\[([^\]]*)\]/.exec(info)?.[1];
    const above = i > 0 ? (lines[i - 1] ?? '').trim() : '';
    blocks.push({ page, line: i + 1, lang, title, code: body.join('\n'), skipped: above === SKIP_MARKER });
    i = j;
  }
  return blocks;
}

/** Markdown pages of the docs site, sorted; VitePress' own folder (cache, build output) is left out. */
export function listDocPages(root: string, dir = 'docs'): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'public') continue;
      const path = join(abs, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) out.push(relative(root, path).split('\\').join('/'));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

/** Every code block of every docs page. */
export function collectCodeBlocks(root: string): CodeBlock[] {
  return listDocPages(root).flatMap((page) => extractCodeBlocks(page, readFileSync(join(root, page), 'utf8')));
}

/** TypeScript blocks to typecheck. */
export function isTypeScript(block: CodeBlock): boolean {
  return !block.skipped && (block.lang === 'ts' || block.lang === 'typescript');
}

/** JSON blocks marked as a unipool configuration file. */
export function isConfigJson(block: CodeBlock): boolean {
  return !block.skipped && (block.lang === 'json' || block.lang === 'jsonc') && block.title === CONFIG_TITLE;
}

/** JS/TS blocks that may call `createDatabases({ … })`. */
export function isScript(block: CodeBlock): boolean {
  return !block.skipped && ['ts', 'typescript', 'js', 'javascript', 'mjs'].includes(block.lang);
}
