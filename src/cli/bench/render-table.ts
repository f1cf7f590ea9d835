/** A cell's alignment. */
export type Align = 'left' | 'right';

/** A table: header cells, rows of cells (already formatted), and each column's alignment. */
export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly align: readonly Align[];
}

/** Plain text with columns padded to line up (for a terminal). */
export function renderTextTable(table: Table): string {
  const widths = table.headers.map((header, column) => Math.max([...header].length, ...table.rows.map((row) => [...(row[column] ?? '')].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return table.align[column] === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(table.headers), line(widths.map((w) => '─'.repeat(w))), ...table.rows.map(line)].join('\n');
}

/** A GitHub-flavoured Markdown table. */
export function renderMarkdownTable(table: Table): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const rule = table.align.map((align) => (align === 'right' ? '---:' : '---'));
  return [table.headers, rule, ...table.rows].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
}
