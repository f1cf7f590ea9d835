import type { ErrorObject } from 'ajv/dist/2020.js';
import type { ConfigIssue } from '../errors.js';
import { configPath } from './config-path.js';
import { describeValue } from './describe-value.js';
import { didYouMean } from './did-you-mean.js';
import { OPTION_SYNONYMS } from './option-synonyms.js';
import { UNSUPPORTED_MODE_HINT } from './resolve-tls.js';
import { schemaFacts } from './schema-facts.js';

const MAX_TIMER_MS = 2_147_483_647;

// Extra words for some (keyword, option) pairs, appended after the received value.
const HINTS: Readonly<Record<string, string>> = {
  'minimum:acquireTimeoutMs': 'there is no "wait forever"; set a generous limit instead (e.g. 300000)',
  'minimum:connectTimeoutMs': 'there is no "wait forever"; set a generous limit instead (e.g. 60000)',
  'minimum:maxWaiting': 'use null for no limit',
  'type:maxWaiting': 'use null for no limit',
  'minLength:url': 'is the environment variable set?',
  'minLength:host': 'is the environment variable set?',
  'minLength:database': 'is the environment variable set?',
  'type:ssl': 'write a mode as { "mode": "require" } (modes: disable, require, verify-ca, verify-full)',
};

const SYNONYMS_BY_OPTION: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  engine: OPTION_SYNONYMS.engine,
  release: OPTION_SYNONYMS.release,
};

/**
 * Turns Ajv's errors into `ConfigIssue`s in unipool's words: the path, what is expected, the value
 * received (passwords never shown) and a hint — `databases.default.pool.max: must be ≥ 1, got 0`.
 */
export function formatSchemaErrors(errors: readonly ErrorObject[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const error of errors) {
    const issue = formatSchemaError(error);
    if (issue !== undefined) issues.push(issue);
  }
  return issues;
}

function formatSchemaError(error: ErrorObject): ConfigIssue | undefined {
  const segments = pointerSegments(error.instancePath);
  const option = segments[segments.length - 1] ?? '';
  // A TLS private key is as secret as a password.
  const got = describeValue(error.data, { secret: option === 'password' || (option === 'key' && segments[segments.length - 2] === 'ssl') });
  const params = error.params as Record<string, unknown>;
  const issue = (path: readonly string[], message: string, hintKey?: string): ConfigIssue => {
    const hint = hintKey === undefined ? undefined : HINTS[hintKey];
    return { path: configPath(path), message: hint === undefined ? message : `${message} — ${hint}` };
  };

  switch (error.keyword) {
    case 'propertyNames':
      return undefined; // reported by the inner pattern/not error, which names the alias
    case 'if':
      return undefined; // "must match then": the errors inside `then` (ssl with a mode) say what is wrong
    case 'pattern':
      if (error.propertyName !== undefined) return issue([...segments, error.propertyName], invalidAlias(error.propertyName));
      break;
    case 'not':
      if (error.propertyName !== undefined) {
        const alias = error.propertyName;
        return issue([...segments, alias], `alias "${alias}" is reserved: it would clash with the databases registry's own member dbs.${alias} — choose another name`);
      }
      break;
    case 'required': {
      const missing = String(params['missingProperty']);
      if (segments.length === 0 && missing === 'default') return issue(['default'], missingDefault(error.data));
      if (missing === 'engine') return issue([...segments, missing], `is required — one of ${quoteList(engines(error))}`);
      return issue([...segments, missing], 'is required');
    }
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      return issue([...segments, key], unknownOption(key, segments, Object.keys(propertiesOf(error.parentSchema))));
    }
    case 'type':
      return issue(segments, `${expectedType(params['type'], segments.length)}, got ${got}`, `type:${option}`);
    case 'enum': {
      const allowed = Array.isArray(params['allowedValues']) ? (params['allowedValues'] as unknown[]).map(String) : [];
      const suggestion = typeof error.data === 'string' ? didYouMean(error.data, allowed, SYNONYMS_BY_OPTION[option]) : undefined;
      const hint = segments.length >= 2 && segments[segments.length - 2] === 'ssl' && option === 'mode' ? UNSUPPORTED_MODE_HINT : '';
      return issue(segments, `must be one of ${quoteList(allowed)}, got ${got}${suggestion === undefined ? '' : ` — did you mean "${suggestion}"?`}${hint}`);
    }
    case 'minimum':
      return issue(segments, `must be ≥ ${String(params['limit'])}, got ${got}`, `minimum:${option}`);
    case 'maximum': {
      const limit = Number(params['limit']);
      const note = limit === MAX_TIMER_MS ? ' (about 24.8 days, the longest timer Node.js supports)' : '';
      return issue(segments, `must be ≤ ${String(limit)}${note}, got ${got}`);
    }
    case 'minLength':
      return issue(segments, `must not be empty, got ${got}`, `minLength:${option}`);
    default:
      break;
  }
  return issue(segments, `${error.message ?? 'is invalid'}, got ${got}`);
}

function unknownOption(key: string, segments: readonly string[], allowed: readonly string[]): string {
  const facts = schemaFacts();
  const inPool = segments[segments.length - 1] === 'pool';
  const base = `unknown option "${key}"`;
  if (!inPool && facts.poolOptions.includes(key)) return `${base} — did you mean "pool.${key}"? (pool options go under "pool")`;
  if (inPool && facts.databaseOptions.includes(key)) return `${base} — "${key}" belongs to the database, not to its "pool"`;
  const synonyms = inPool ? OPTION_SYNONYMS.pool : OPTION_SYNONYMS.database;
  const suggestion = didYouMean(key, allowed, synonyms);
  if (suggestion !== undefined) return `${base} — did you mean "${suggestion}"?`;
  return `${base} — allowed: ${allowed.join(', ')}`;
}

function invalidAlias(alias: string): string {
  let fixed = alias.replace(/[^A-Za-z0-9_]/g, '_');
  if (/^[0-9]/.test(fixed)) fixed = `_${fixed}`;
  const example = fixed !== '' && fixed !== alias ? ` (e.g. "${fixed}")` : '';
  return `invalid alias ${JSON.stringify(alias)} — use letters, digits and "_" only, not starting with a digit${example}`;
}

function missingDefault(root: unknown): string {
  const why = 'dbs.default is the entry point';
  const aliases = typeof root === 'object' && root !== null ? Object.keys(root).filter((key) => key !== '$schema') : [];
  if (aliases.length === 0) return `is required — add a "default" database (${why})`;
  const suggestion = aliases.length === 1 ? aliases[0] : didYouMean('default', aliases);
  if (suggestion !== undefined) return `is required — did you mean to rename ${JSON.stringify(suggestion)} to "default"? (${why})`;
  return `is required — rename one of ${quoteList(aliases)} to "default" (${why})`;
}

function expectedType(type: unknown, depth: number): string {
  const types = (Array.isArray(type) ? type : [type]).map(String);
  if (depth === 0 && types.includes('object')) return 'must be an object of databases by alias, e.g. { "default": { "engine": "sqlite", "database": ":memory:" } }';
  if (depth === 1 && types.includes('object')) return 'must be an object such as { "engine": "postgres", "url": "…" }';
  const names: Record<string, string> = { integer: 'an integer', number: 'a number', string: 'a string', boolean: 'a boolean', object: 'an object', array: 'an array', null: 'null' };
  return `must be ${types.map((t) => names[t] ?? t).join(' or ')}`;
}

function engines(error: ErrorObject): string[] {
  const engine = propertiesOf(error.parentSchema)['engine'];
  const values = typeof engine === 'object' && engine !== null ? (engine as { enum?: unknown }).enum : undefined;
  return Array.isArray(values) ? values.map(String) : [];
}

function propertiesOf(schema: unknown): Record<string, unknown> {
  const properties = typeof schema === 'object' && schema !== null ? (schema as { properties?: unknown }).properties : undefined;
  return typeof properties === 'object' && properties !== null ? (properties as Record<string, unknown>) : {};
}

function quoteList(values: readonly string[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

/** JSON Pointer (`/default/pool/max`) → keys (`['default', 'pool', 'max']`). */
function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}
