import type { Engine } from '../adapter.js';
import { descriptors, ENGINE_NAMES } from '../engine-descriptors.js';
import type { EngineDescriptor, TlsSetting } from '../engine-descriptor.js';
import { describeValue } from './describe-value.js';
import { readUrlQuery } from './url-query.js';

/** The parts of a connection URL, percent-decoded. */
export interface ParsedUrl {
  readonly host?: string;
  readonly port?: number;
  /** Every host of a multi-host URL (`h1:5432,h2:5433`), the first one included; absent for one host. */
  readonly hosts?: readonly { readonly host: string; readonly port?: number }[];
  /** `?target_session_attrs=` as written (checked by the caller). */
  readonly targetSessionAttrs?: string;
  /** Database name, service name or file path (as the engine's descriptor reads it). */
  readonly database?: string;
  readonly user?: string;
  readonly password?: string;
  readonly ssl?: TlsSetting;
  /** The query parameter that set `ssl` (`sslmode`, `ssl`, `ssl-mode`). */
  readonly sslParameter?: string;
  readonly options: Record<string, unknown>;
}

/** Either the parsed URL or what is wrong with it (messages about the `url` option). */
export type UrlParseResult = { readonly ok: true; readonly url: ParsedUrl } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Parses a connection URL for `engine`, with the schemes its descriptor accepts: a server URL
 * (`scheme://user:password@host:port/database`) or a file database's (`scheme:path`, the path read by
 * the descriptor's `readFileUrlPath`).
 * User, password, host and database are percent-decoded; the query is read by `readUrlQuery`.
 * Problems never contain the password.
 */
export function parseDatabaseUrl(url: string, engine: Engine): UrlParseResult {
  const shown = describeValue(url);
  const descriptor = descriptors[engine];
  const example = descriptor.urlExample;
  if (url.trim() !== url) return fail(`must not start or end with whitespace, got ${shown}`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return fail(`is not a valid URL, got ${shown} — expected ${example}`);
  const accepted = descriptor.urlSchemes;
  if (!accepted.includes(scheme)) {
    const owner = ENGINE_NAMES.find((e) => descriptors[e].urlSchemes.includes(scheme));
    // "db.example.com:5432/app" has a "scheme" only by accident: call it what it is.
    if (owner === undefined && !url.includes('://')) return fail(`is not a valid URL, got ${shown} — expected ${example}`);
    const use = descriptor.file ? `a ${accepted[0] ?? engine}: URL` : `a ${accepted.map((s) => `${s}://`).join(' or ')} URL`;
    return fail(`scheme "${scheme}:" does not match engine "${engine}" — use ${use}${owner === undefined ? '' : `, or set engine to "${owner}"`}`);
  }
  return descriptor.file ? parseFileUrl(url.slice(scheme.length + 1), descriptor) : parseNetworkUrl(url, descriptor, shown, example);
}

function parseNetworkUrl(url: string, engine: EngineDescriptor, shown: string, example: string): UrlParseResult {
  const hostList = splitHostList(url);
  if (hostList !== undefined && !engine.multiHost) {
    return fail(`lists several hosts (${hostList.hosts.join(', ')}) — engine "${engine.engine}" connects to one host per URL${engine.locationOptions.length > 0 ? `; list the addresses in "options.${engine.locationOptions[0] ?? ''}" instead` : ''}`);
  }
  const extraHosts: { host: string; port?: number }[] = [];
  for (const entry of hostList?.hosts.slice(1) ?? []) {
    const extra = parseHostEntry(entry);
    if (extra === undefined) return fail(`has an invalid host "${entry}" in its host list — expected ${engine.urlSchemes[0] ?? engine.engine}://user@host1:port1,host2:port2/database`);
    extraHosts.push(extra);
  }
  let parsed: URL;
  try {
    // WHATWG URL knows one host per URL: the first host stands in for the list, the rest is read above.
    parsed = new URL(hostList === undefined ? url : hostList.withFirstHostOnly);
  } catch {
    // The usual cause with credentials: a "#", "/", "?" or "%" in the password cuts the URL short.
    const encode = url.includes('@') ? ' (percent-encode special characters in the user name and password, e.g. "#" as %23)' : '';
    return fail(`is not a valid URL, got ${shown} — expected ${example}${encode}`);
  }
  const problems: string[] = [];
  if (parsed.hash !== '') problems.push('must not contain a "#" fragment — write a "#" in the password as %23');
  const decode = (text: string, part: string): string | undefined => {
    try {
      return text === '' ? undefined : decodeURIComponent(text);
    } catch {
      problems.push(`has an invalid percent-encoding in the ${part} — write a "%" as %25`);
      return undefined;
    }
  };
  const user = decode(parsed.username, 'user name');
  const password = decode(parsed.password, 'password');
  const hostname = decode(parsed.hostname.replace(/^\[(.*)\]$/, '$1'), 'host');
  const port = parsed.port === '' ? undefined : Number(parsed.port);
  if (port === 0) problems.push('has port 0 — use a port between 1 and 65535');

  const path = parsed.pathname.replace(/^\//, '');
  if (!engine.slashInUrlPath && path.includes('/')) problems.push(`has the path "/${path}" — expected only the database name: ${example}`);
  const database = decode(path, 'database name');

  const query = readUrlQuery(engine, [...parsed.searchParams], hostname !== undefined, example);
  problems.push(...query.problems);
  const host = hostname ?? query.host;
  if (host === undefined) problems.push(`has no host, got ${shown} — expected ${example}`);
  if (problems.length > 0) return { ok: false, problems };
  const hosts = extraHosts.length === 0 || host === undefined ? undefined : [{ host, ...(port === undefined ? {} : { port }) }, ...extraHosts];
  return {
    ok: true,
    url: {
      host,
      ...(port === undefined ? {} : { port }),
      ...(hosts === undefined ? {} : { hosts }),
      ...(query.targetSessionAttrs === undefined ? {} : { targetSessionAttrs: query.targetSessionAttrs }),
      ...(database === undefined ? {} : { database }),
      ...(user === undefined ? {} : { user }),
      ...(password === undefined ? {} : { password }),
      ...(query.ssl === undefined ? {} : { ssl: query.ssl, sslParameter: query.sslParameter }),
      options: query.options,
    },
  };
}

/**
 * The host list of a URL that names several hosts (`scheme://user@h1:5432,h2:5433/db`), and the URL
 * with only the first of them; undefined for a URL with one host. The authority ends at the first
 * "/", "?" or "#" after "://", and the host list starts after its last "@" (a password may hold one).
 */
function splitHostList(url: string): { readonly hosts: readonly string[]; readonly withFirstHostOnly: string } | undefined {
  const start = url.indexOf('://') + 3;
  const rest = url.slice(start);
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const at = authority.lastIndexOf('@');
  const list = authority.slice(at + 1);
  if (!list.includes(',')) return undefined;
  const hosts = list.split(',');
  const listStart = start + at + 1;
  return { hosts, withFirstHostOnly: url.slice(0, listStart) + (hosts[0] ?? '') + url.slice(listStart + list.length) };
}

/** One `host[:port]` of a host list (IPv6 in brackets), read as WHATWG URL reads a URL's host; undefined when it is not one. */
function parseHostEntry(entry: string): { host: string; port?: number } | undefined {
  if (entry === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(`unipool://${entry}`);
  } catch {
    return undefined;
  }
  if (parsed.username !== '' || parsed.pathname !== '' || parsed.search !== '' || parsed.hostname === '') return undefined;
  const port = parsed.port === '' ? undefined : Number(parsed.port);
  if (port === 0) return undefined;
  let host: string;
  try {
    host = decodeURIComponent(parsed.hostname.replace(/^\[(.*)\]$/, '$1'));
  } catch {
    return undefined;
  }
  return port === undefined ? { host } : { host, port };
}

/** A file database's URL: `scheme:path?query`, the path read by the descriptor. */
function parseFileUrl(rest: string, engine: EngineDescriptor): UrlParseResult {
  const queryStart = rest.indexOf('?');
  const filePath = engine.readFileUrlPath(queryStart < 0 ? rest : rest.slice(0, queryStart));
  const search = queryStart < 0 ? '' : rest.slice(queryStart);
  if ('problem' in filePath) return fail(filePath.problem);
  const path = filePath.path;
  let database: string;
  try {
    database = decodeURIComponent(path);
  } catch {
    return fail('has an invalid percent-encoding in the file path — write a "%" as %25');
  }
  if (database === '') return fail(`has no file path — expected ${engine.urlExample}`);
  const query = readUrlQuery(engine, [...new URLSearchParams(search)], false, engine.urlExample);
  if (query.problems.length > 0) return { ok: false, problems: query.problems };
  return { ok: true, url: { database, options: query.options } };
}

function fail(problem: string): UrlParseResult {
  return { ok: false, problems: [problem] };
}
