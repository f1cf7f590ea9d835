import { code, generatedHeader, linkErrorCodes, page, table, text } from './markdown.js';

/** The subset of JSON Schema 2020-12 the configuration page reads. */
export interface SchemaNode {
  readonly $ref?: string;
  readonly $defs?: Readonly<Record<string, SchemaNode>>;
  readonly title?: string;
  readonly description?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | SchemaNode;
  readonly propertyNames?: SchemaNode;
  readonly patternProperties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly oneOf?: readonly SchemaNode[];
  readonly anyOf?: readonly SchemaNode[];
  readonly allOf?: readonly SchemaNode[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly deprecated?: boolean;
}

/** A table on the page: one object of the config (the top level, a database, `pool`, `ssl`…). */
interface Section {
  readonly id: string;
  readonly title: string;
  readonly node: SchemaNode;
}

const DEF_PREFIX = '#/$defs/';
const TIMER_MAX = 2_147_483_647;

function refName(ref: string): string {
  if (!ref.startsWith(DEF_PREFIX)) throw new Error(`gen-docs: only local "#/$defs/…" references are supported, got "${ref}"`);
  return ref.slice(DEF_PREFIX.length);
}

function anchor(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/**
 * The anchor of one option: its section and its name in lower case (`pool-acquiretimeoutms`), so
 * every option can be linked to and the same name in two sections (`database`) stays distinct.
 */
export function optionAnchor(sectionId: string, name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `${sectionId}-${slug}`;
}

/** One option as the page shows it. */
interface OptionDoc {
  readonly name: string;
  readonly id: string;
  readonly type: string;
  readonly default: string;
  readonly description: string;
}

function isObjectWithProperties(node: SchemaNode | undefined): node is SchemaNode & { properties: Record<string, SchemaNode> } {
  return node !== undefined && node.properties !== undefined && Object.keys(node.properties).length > 0;
}

/** Renders one schema's types, following `$ref`s into `$defs` and linking object sections. */
class SchemaRenderer {
  readonly #root: SchemaNode;
  readonly #sections = new Map<SchemaNode, Section>();

  constructor(root: SchemaNode) {
    this.#root = root;
  }

  resolve(node: SchemaNode): SchemaNode {
    let current = node;
    for (let hops = 0; current.$ref !== undefined; hops++) {
      if (hops > 20) throw new Error(`gen-docs: $ref cycle at "${current.$ref}"`);
      const target = this.#root.$defs?.[refName(current.$ref)];
      if (target === undefined) throw new Error(`gen-docs: "${current.$ref}" is not in the schema's $defs`);
      current = target;
    }
    return current;
  }

  /** Collect every object that gets its own table, breadth-first from the root, so the page reads top-down. */
  collect(): Section[] {
    const queue: { node: SchemaNode; name: string; title: string }[] = [{ node: this.#root, name: 'top-level', title: 'Top level' }];
    const ordered: Section[] = [];
    const usedIds = new Set<string>();
    while (queue.length > 0) {
      const { node, name, title } = queue.shift()!;
      const target = this.resolve(node);
      if (this.#sections.has(target)) continue;
      let id = anchor(name);
      for (let n = 2; usedIds.has(id); n++) id = `${anchor(name)}-${n}`;
      usedIds.add(id);
      const section = { id, title, node: target };
      this.#sections.set(target, section);
      ordered.push(section);
      for (const [childName, child] of this.#children(target)) {
        const childTarget = this.resolve(child);
        const defName = child.$ref !== undefined ? refName(child.$ref) : childName;
        if (isObjectWithProperties(childTarget)) queue.push({ node: child, name: defName, title: childTarget.title ?? defName });
      }
    }
    return ordered;
  }

  *#children(node: SchemaNode): Generator<[string, SchemaNode]> {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      yield* this.#expand(name, child);
    }
    if (typeof node.additionalProperties === 'object') yield* this.#expand('database', node.additionalProperties);
    for (const child of Object.values(node.patternProperties ?? {})) yield* this.#expand('database', child);
    for (const branch of [...(node.allOf ?? []), ...(node.oneOf ?? []), ...(node.anyOf ?? [])]) {
      yield* this.#children(this.resolve(branch));
    }
  }

  *#expand(name: string, child: SchemaNode): Generator<[string, SchemaNode]> {
    yield [name, child];
    const target = this.resolve(child);
    if (target.items) yield [name, target.items];
    for (const branch of [...(target.oneOf ?? []), ...(target.anyOf ?? [])]) yield [name, branch];
  }

  /** A short, readable type: `integer ≥ 1`, `'lifo' \| 'fifo'`, `object (see pool)`. */
  typeOf(node: SchemaNode): string {
    const target = this.resolve(node);
    const section = this.#sections.get(target);
    if (section !== undefined && target !== this.#root) return `object — see [${section.title}](#${section.id})`;
    if (target.const !== undefined) return code(JSON.stringify(target.const));
    if (target.enum !== undefined) return target.enum.map((v) => code(JSON.stringify(v))).join(', ');
    const branches = target.oneOf ?? target.anyOf;
    if (branches !== undefined) return [...new Set(branches.map((b) => this.typeOf(b)))].join(' or ');
    const types = target.type === undefined ? [] : typeof target.type === 'string' ? [target.type] : [...target.type];
    const parts = types.map((type) => {
      if (type === 'array') return `array of ${target.items ? this.typeOf(target.items) : 'any'}`;
      if (type === 'object' && typeof target.additionalProperties === 'object') return `object of ${this.typeOf(target.additionalProperties)}`;
      return type + this.#constraints(target, type);
    });
    return parts.length > 0 ? parts.join(' or ') : 'any';
  }

  #constraints(node: SchemaNode, type: string): string {
    const out: string[] = [];
    if (type === 'integer' || type === 'number') {
      if (node.minimum !== undefined) out.push(`≥ ${node.minimum}`);
      if (node.exclusiveMinimum !== undefined) out.push(`> ${node.exclusiveMinimum}`);
      // 2^31 − 1 (the largest delay Node's timers accept) and 2^53 − 1 are technical caps, not advice.
      if (node.maximum !== undefined && node.maximum < TIMER_MAX) out.push(`≤ ${node.maximum}`);
      if (node.exclusiveMaximum !== undefined) out.push(`< ${node.exclusiveMaximum}`);
    }
    if (type === 'string') {
      if (node.format !== undefined) out.push(`(${node.format})`);
      if (node.minLength !== undefined && node.minLength > 0) out.push('(non-empty)');
    }
    return out.length > 0 ? ` ${out.join(', ')}` : '';
  }

  defaultOf(node: SchemaNode, ownDefault: unknown): string {
    const value = ownDefault !== undefined ? ownDefault : this.resolve(node).default;
    return value === undefined ? '—' : code(JSON.stringify(value));
  }

  /** The options of one section, including properties contributed by `allOf` branches. */
  options(section: Section): OptionDoc[] {
    const node = section.node;
    const required = new Set(node.required ?? []);
    const options: OptionDoc[] = [];
    const seen = new Set<string>();
    const add = (props: Readonly<Record<string, SchemaNode>>, req: ReadonlySet<string>): void => {
      for (const [name, prop] of Object.entries(props)) {
        if (seen.has(name)) continue;
        seen.add(name);
        // A property that is just a $ref to another table links there (type column) instead of repeating its text.
        const linked = prop.description === undefined && this.#sections.has(this.resolve(prop));
        let description = prop.description ?? (linked ? '' : (this.resolve(prop).description ?? ''));
        // The flag says it once; a schema description that also ends in "Required." would say it twice.
        if (req.has(name)) description = description.replace(/\s*\bRequired\.\s*$/, '');
        const flags = [req.has(name) ? '**Required.**' : '', prop.deprecated === true ? '**Deprecated.**' : ''].filter(Boolean).join(' ');
        options.push({ name, id: optionAnchor(section.id, name), type: this.typeOf(prop), default: this.defaultOf(prop, prop.default), description: linkErrorCodes([flags, text(description)].filter(Boolean).join(' '), './errors.md') });
      }
    };
    add(node.properties ?? {}, required);
    for (const branch of node.allOf ?? []) {
      const b = this.resolve(branch);
      add(b.properties ?? {}, new Set(b.required ?? []));
    }
    return options;
  }

  /** Keys that are not fixed properties: the top level's database aliases. */
  openKeys(section: Section): string | undefined {
    const node = section.node;
    const value = typeof node.additionalProperties === 'object' ? node.additionalProperties : Object.values(node.patternProperties ?? {})[0];
    if (value === undefined) return undefined;
    const names = node.propertyNames?.description !== undefined ? text(node.propertyNames.description) : Object.keys(node.patternProperties ?? {}).map((p) => `Keys match ${code(p)}.`).join(' ');
    return `Any other key is a **database alias**, and its value is ${this.typeOf(value).replace(/^object — see /, 'a ')}. ${names}`.trim();
  }
}

/** `docs/reference/configuration.md`, from `schema/databases.schema.json`. */
export function renderConfiguration(schema: SchemaNode): string {
  const renderer = new SchemaRenderer(schema);
  const sections = renderer.collect();
  const body = sections.map((section) => {
    const options = renderer.options(section);
    const heading = section.node === schema ? `## Top level {#${section.id}}` : `## ${section.title} {#${section.id}}`;
    return page([
      heading,
      section.node.description !== undefined && text(section.node.description),
      renderer.openKeys(section),
      // The table is the overview; each option then has its own heading, so it has an anchor to link
      // to and the site search ranks this page first for an option's name.
      options.length > 0 && table(['Option', 'Type', 'Default'], options.map((o) => [`[${code(o.name)}](#${o.id})`, o.type, o.default])),
      ...options.map((o) => [`### ${code(o.name)} {#${o.id}}`, `Type: ${o.type} · Default: ${o.default}`, o.description].filter(Boolean).join('\n\n')),
    ]).trimEnd();
  });
  return page([
    '---\ntitle: Configuration reference\noutline: [2, 3]\n---',
    generatedHeader('schema/databases.schema.json'),
    '# Configuration reference',
    'Every option `createDatabases()` and `unipool check` accept, generated from the JSON Schema that validates them (`schema/databases.schema.json`, also published as `unipool/schema/databases.schema.json`). ' +
      'Unknown options are errors, not silently ignored, and every problem is reported at once with its path — see [the configuration rules](../explanation/configuration-rules.md). ' +
      'Durations carry their unit in the name (`…Ms` = milliseconds) and, like every count, are whole numbers; durations are capped at 2147483647 ms (about 24.8 days), the longest delay Node\'s timers accept.',
    'Point your editor at the schema to get completion and validation in a JSON config file:',
    '```json [unipool.config.json]\n{\n  "$schema": "./node_modules/unipool/schema/databases.schema.json",\n  "default": {\n    "engine": "postgres",\n    "url": "postgres://app@localhost:5432/app",\n    "pool": { "max": 10 }\n  }\n}\n```',
    ...body,
  ]);
}
