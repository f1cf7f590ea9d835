/*
 * Hand-written SVG charts: horizontal bars and a line chart, enough for the benchmark report.
 * Self-contained (no fonts or scripts to fetch), with a white background so they read the same on
 * a light or dark page, and a <title> for screen readers.
 */

/** Bar colours: unipool, unipool's alternative mode, and the peers. */
export type Tone = 'ours' | 'ours-alt' | 'peer';

const COLORS: Readonly<Record<Tone, string>> = { ours: '#2563eb', 'ours-alt': '#93c5fd', peer: '#9ca3af' };
const SERIES_COLORS = ['#2563eb', '#f59e0b', '#6b7280', '#10b981', '#ef4444'];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

/** XML-escaped text. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The width `text` takes at `fontSize` in a sans-serif font, estimated on the wide side (there is no
 * font to measure at render time): enough to keep every label inside the canvas.
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    if ('iljtf.,;:!|\'`()[] '.includes(ch)) em += 0.34;
    else if ('mwMW@%—…'.includes(ch)) em += 0.92;
    else if (ch >= 'A' && ch <= 'Z') em += 0.7;
    else if (ch >= '0' && ch <= '9') em += 0.6;
    else em += 0.58;
  }
  // Semi-bold glyphs (titles, group names) run about a tenth wider.
  return em * fontSize * (bold ? 1.12 : 1);
}

function n(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** One bar. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Shown after the bar: `12,345 ops/s`. */
  readonly valueText: string;
  readonly tone: Tone;
  /** Not measured but derived (e.g. by Little's law): drawn hatched and outlined, not solid. */
  readonly estimate?: boolean;
}

/** Bars under one heading, scaled together. */
export interface BarGroup {
  readonly name: string;
  readonly bars: readonly Bar[];
}

/** Options of `barChart()`. */
export interface BarChartOptions {
  readonly title: string;
  readonly subtitle?: string;
  /** What the chart shows and how to read it: the figure's caption (`<desc>`, and the docs show it under the chart). */
  readonly caption?: string;
  readonly groups: readonly BarGroup[];
  readonly width?: number;
}

const BAR_HEIGHT = 20;
const BAR_GAP = 6;
const MIN_PLOT = 240;
const MARGIN = 16;

/** Hatched fills for estimated bars, one per tone. */
function hatchDefs(tones: ReadonlySet<Tone>): string {
  const patterns = [...tones].map(
    (t) => `<pattern id="hatch-${t}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="${COLORS[t]}" stroke-width="2.5"/></pattern>`,
  );
  return patterns.length === 0 ? '' : `<defs>${patterns.join('')}</defs>`;
}

/**
 * Horizontal bars, one group per heading; each group has its own scale (engines differ by orders of
 * magnitude). The canvas grows to fit the longest label, value and title, so no text is cut off.
 */
export function barChart(options: BarChartOptions): string {
  const bars = options.groups.flatMap((g) => g.bars);
  const labelWidth = Math.ceil(Math.max(80, ...bars.map((b) => textWidth(b.label, 12))) + 16);
  const valueWidth = Math.ceil(Math.max(60, ...bars.map((b) => textWidth(b.valueText, 12))) + 12);
  const textNeeds = Math.max(
    textWidth(options.title, 17, true),
    options.subtitle === undefined ? 0 : textWidth(options.subtitle, 12),
    ...options.groups.map((g) => textWidth(g.name, 13, true)),
  );
  const width = Math.ceil(Math.max(options.width ?? 760, MARGIN * 2 + textNeeds, MARGIN * 2 + labelWidth + MIN_PLOT + valueWidth));
  const plot = width - MARGIN * 2 - labelWidth - valueWidth;
  const parts: string[] = [];
  const estimated = new Set(bars.filter((b) => b.estimate === true).map((b) => b.tone));
  if (estimated.size > 0) parts.push(hatchDefs(estimated));
  let y = 30;
  parts.push(`<text x="${MARGIN}" y="${y}" font-size="17" font-weight="600" fill="#111827">${escapeXml(options.title)}</text>`);
  if (options.subtitle !== undefined) {
    y += 20;
    parts.push(`<text x="${MARGIN}" y="${y}" font-size="12" fill="#4b5563">${escapeXml(options.subtitle)}</text>`);
  }
  y += 14;
  for (const group of options.groups) {
    y += 22;
    parts.push(`<text x="${MARGIN}" y="${y}" font-size="13" font-weight="600" fill="#111827">${escapeXml(group.name)}</text>`);
    y += 8;
    const top = Math.max(...group.bars.map((b) => b.value), 0);
    for (const bar of group.bars) {
      const length = top > 0 ? Math.max(1, (bar.value / top) * plot) : 0;
      const x = MARGIN + labelWidth;
      const fill = bar.estimate === true ? `fill="url(#hatch-${bar.tone})" stroke="${COLORS[bar.tone]}" stroke-width="1.5" stroke-dasharray="4 3"` : `fill="${COLORS[bar.tone]}"`;
      parts.push(
        `<text x="${x - 8}" y="${y + BAR_HEIGHT * 0.7}" font-size="12" text-anchor="end" fill="#1f2937">${escapeXml(bar.label)}</text>`,
        `<rect x="${x}" y="${y}" width="${n(length)}" height="${BAR_HEIGHT}" rx="3" ${fill}><title>${escapeXml(`${bar.label}: ${bar.valueText}`)}</title></rect>`,
        `<text x="${n(x + length + 6)}" y="${y + BAR_HEIGHT * 0.7}" font-size="12" fill="#374151">${escapeXml(bar.valueText)}</text>`,
      );
      y += BAR_HEIGHT + BAR_GAP;
    }
  }
  return svg(width, y + 16, options.title, parts, options.caption);
}

/** One line of a line chart. */
export interface Series {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/** Options of `lineChart()`. */
export interface LineChartOptions {
  readonly title: string;
  readonly subtitle?: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Horizontal reference lines (a bound, a target). */
  readonly references?: readonly { readonly y: number; readonly label: string }[];
  /** The figure's caption (`<desc>`, and the docs show it under the chart). */
  readonly caption?: string;
  /** Plot x on a log scale (a sweep over 1, 2, 3, 5 … 200). */
  readonly logX?: boolean;
  readonly width?: number;
  readonly height?: number;
}

/** Round numbers for axis ticks: 1, 2, 5 × 10^k. */
export function niceTicks(top: number, count = 5): number[] {
  if (!(top > 0)) return [0];
  const rough = top / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if ((ticks[ticks.length - 1] ?? 0) < top) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

/** Lines with markers, a y axis from 0, optional log-scale x, a legend and reference lines. */
export function lineChart(options: LineChartOptions): string {
  // Legend entries sit side by side on one row; the canvas grows to fit them and the titles.
  const legendWidths = options.series.map((s) => 20 + textWidth(s.name, 12) + 24);
  const legendNeeds = 80 + legendWidths.reduce((a, b) => a + b, 0);
  const textNeeds = MARGIN * 2 + Math.max(textWidth(options.title, 17, true), options.subtitle === undefined ? 0 : textWidth(options.subtitle, 12));
  const width = Math.ceil(Math.max(options.width ?? 760, legendNeeds, textNeeds));
  const height = options.height ?? 420;
  const left = 80;
  const right = width - 30;
  const top = options.subtitle === undefined ? 60 : 78;
  const bottom = height - 90;
  const xs = [...new Set(options.series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const ys = [...options.series.flatMap((s) => s.points.map((p) => p.y)), ...(options.references ?? []).map((r) => r.y)];
  const yTicks = niceTicks(Math.max(1, ...ys));
  const yTop = yTicks[yTicks.length - 1] ?? 1;
  const fx = (x: number): number => {
    const lo = xs[0] ?? 0;
    const hi = xs[xs.length - 1] ?? 1;
    if (hi === lo) return (left + right) / 2;
    const t = options.logX === true ? (Math.log(x) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (x - lo) / (hi - lo);
    return left + t * (right - left);
  };
  const fy = (y: number): number => bottom - (y / yTop) * (bottom - top);
  const parts: string[] = [`<text x="16" y="30" font-size="17" font-weight="600" fill="#111827">${escapeXml(options.title)}</text>`];
  if (options.subtitle !== undefined) parts.push(`<text x="16" y="50" font-size="12" fill="#4b5563">${escapeXml(options.subtitle)}</text>`);
  for (const tick of yTicks) {
    parts.push(
      `<line x1="${left}" x2="${right}" y1="${n(fy(tick))}" y2="${n(fy(tick))}" stroke="#e5e7eb"/>`,
      `<text x="${left - 8}" y="${n(fy(tick) + 4)}" font-size="11" text-anchor="end" fill="#4b5563">${tick.toLocaleString('en-US')}</text>`,
    );
  }
  for (const x of xs) parts.push(`<text x="${n(fx(x))}" y="${bottom + 18}" font-size="11" text-anchor="middle" fill="#4b5563">${x}</text>`);
  parts.push(
    `<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#6b7280"/>`,
    `<text x="${(left + right) / 2}" y="${bottom + 38}" font-size="12" text-anchor="middle" fill="#1f2937">${escapeXml(options.xLabel)}</text>`,
    `<text x="18" y="${(top + bottom) / 2}" font-size="12" text-anchor="middle" fill="#1f2937" transform="rotate(-90 18 ${(top + bottom) / 2})">${escapeXml(options.yLabel)}</text>`,
  );
  for (const reference of options.references ?? []) {
    const y = n(fy(reference.y));
    parts.push(
      `<line x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="#dc2626" stroke-dasharray="5 4"/>`,
      // Under the line, at the left: the series usually end at the right, near or above it.
      `<text x="${left + 6}" y="${n(fy(reference.y) + 14)}" font-size="11" fill="#dc2626">${escapeXml(reference.label)}</text>`,
    );
  }
  options.series.forEach((series, index) => {
    const color = SERIES_COLORS[index % SERIES_COLORS.length] ?? '#000';
    const points = [...series.points].sort((a, b) => a.x - b.x);
    if (points.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map((p) => `${n(fx(p.x))},${n(fy(p.y))}`).join(' ')}"/>`);
    for (const p of points) parts.push(`<circle cx="${n(fx(p.x))}" cy="${n(fy(p.y))}" r="3.5" fill="${color}"><title>${escapeXml(`${series.name}, ${p.x}: ${Math.round(p.y).toLocaleString('en-US')}`)}</title></circle>`);
    const lx = left + legendWidths.slice(0, index).reduce((a, b) => a + b, 0);
    parts.push(
      `<rect x="${lx}" y="${height - 34}" width="14" height="4" fill="${color}"/>`,
      `<text x="${lx + 20}" y="${height - 28}" font-size="12" fill="#1f2937">${escapeXml(series.name)}</text>`,
    );
  });
  return svg(width, height, options.title, parts, options.caption);
}

function svg(width: number, height: number, title: string, parts: readonly string[], caption?: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${n(height)}" viewBox="0 0 ${width} ${n(height)}" role="img" ${FONT}>`,
    `<title>${escapeXml(title)}</title>`,
    ...(caption === undefined ? [] : [`<desc>${escapeXml(caption)}</desc>`]),
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
