/**
 * A strict parser of the Prometheus text exposition format 0.0.4, written for tests: it throws on
 * anything a Prometheus server would reject or that the format discourages (a second HELP/TYPE for
 * a family, a family split in two, samples before their TYPE, a bad name, label or value).
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

/** One sample line. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: its HELP, TYPE and samples in order. */
export interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** Parses `text` into families keyed by name; throws an Error naming the line on any violation. */
export function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, Family>();
  let current: { name: string; help?: string; type?: string } | undefined;
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, index) => {
    const where = `line ${index + 1} (${JSON.stringify(line)})`;
    if (line === '') throw new Error(`${where}: empty line`);
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta !== null) {
      const [, kind, name = '', rest = ''] = meta;
      if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name`);
      if (families.has(name)) throw new Error(`${where}: family ${name} already complete`);
      if (current?.name !== name) {
        if (current !== undefined) finish(current);
        current = { name };
      }
      if (kind === 'HELP') {
        if (current.help !== undefined) throw new Error(`${where}: second HELP`);
        current.help = unescapeHelp(rest, where);
      } else {
        if (current.type !== undefined) throw new Error(`${where}: second TYPE`);
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type`);
        current.type = rest;
        families.set(name, { name, help: current.help ?? '', type: rest, samples: [] });
      }
      return;
    }
    if (line.startsWith('#')) return; // a comment
    const sample = parseSample(line, where);
    const family = current === undefined ? undefined : families.get(current.name);
    if (family === undefined || current === undefined) throw new Error(`${where}: sample before its TYPE line`);
    const suffixes = family.type === 'histogram' ? ['_bucket', '_sum', '_count'] : family.type === 'summary' ? ['', '_sum', '_count'] : [''];
    if (!suffixes.some((suffix) => sample.name === `${family.name}${suffix}`)) throw new Error(`${where}: sample ${sample.name} inside family ${family.name}`);
    family.samples.push(sample);
  });
  return families;

  function finish(family: { name: string; type?: string }): void {
    if (family.type === undefined) throw new Error(`family ${family.name} has HELP but no TYPE`);
  }
}

function parseSample(line: string, where: string): Sample {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
  if (match === null) throw new Error(`${where}: not a sample line`);
  const [, name = '', labelText, valueText = ''] = match;
  return { name, labels: labelText === undefined ? {} : parseLabels(labelText.slice(1, -1), where), value: parseValue(valueText, where) };
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`${where}: label without "="`);
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`${where}: bad label name ${JSON.stringify(name)}`);
    if (Object.hasOwn(labels, name)) throw new Error(`${where}: label ${name} twice`);
    if (text[eq + 1] !== '"') throw new Error(`${where}: label value must be quoted`);
    let value = '';
    let j = eq + 2;
    for (;;) {
      const ch = text[j];
      if (ch === undefined) throw new Error(`${where}: unterminated label value`);
      if (ch === '"') break;
      if (ch === '\n') throw new Error(`${where}: raw line feed in a label value`);
      if (ch === '\\') {
        const next = text[j + 1];
        if (next === '\\') value += '\\';
        else if (next === '"') value += '"';
        else if (next === 'n') value += '\n';
        else throw new Error(`${where}: bad escape \\${next ?? ''} in a label value`);
        j += 2;
        continue;
      }
      value += ch;
      j += 1;
    }
    labels[name] = value;
    i = j + 1;
    if (i < text.length) {
      if (text[i] !== ',') throw new Error(`${where}: labels must be separated by ","`);
      i += 1;
    }
  }
  return labels;
}

function parseValue(text: string, where: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: bad value ${text}`);
  return Number(text);
}

function unescapeHelp(text: string, where: string): string {
  return text.replace(/\\(.?)/g, (_match, next: string) => {
    if (next === '\\') return '\\';
    if (next === 'n') return '\n';
    throw new Error(`${where}: bad escape in HELP`);
  });
}

/** The samples of `family` whose labels include every label of `match`. */
export function samplesOf(families: Map<string, Family>, family: string, match: Readonly<Record<string, string>> = {}): Sample[] {
  const found = families.get(family);
  if (found === undefined) throw new Error(`no family ${family}`);
  return found.samples.filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v));
}
