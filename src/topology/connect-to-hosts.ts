import type { Adapter, ConnectContext, ConnectionSettings, HostAddress } from '../adapter.js';
import { createConnectionSettings } from '../config/connection-settings.js';
import { connectWithCurrentPassword } from '../connect-with-password.js';
import { endSentence, redactPassword } from '../connect-errors.js';
import { docsLinkLine, UnipoolError } from '../errors.js';
import { describeMismatch, matchesTarget, needsSessionAttributes, type SessionAttributes, type TargetSessionAttrs } from './target-session-attrs.js';

/** A connection opened by `connectToHosts`, and the server it reached (`host:port`), for read-only eviction. */
export interface HostConnection<C> {
  readonly raw: C;
  readonly server: string;
}

/** Why one host was passed over. */
interface HostFailure {
  readonly server: string;
  readonly reason: string;
  /** The adapter's connect error; undefined when the server answered but did not match the target. */
  readonly error: unknown;
}

/**
 * The per-host failures behind a `UNIPOOL_CONNECT_FAILED` from `connectToHosts` (its `cause`), so
 * the pool can tell "every host refused the password" (permanent) from "no host is writable yet"
 * (transient: a failover is under way).
 */
export class HostsConnectFailure extends AggregateError {
  /** The errors of hosts that answered with a connect error; hosts that did not match the target are not in it. */
  readonly connectErrors: readonly unknown[];
  /** At least one host answered but did not match `targetSessionAttrs`. */
  readonly mismatched: boolean;

  constructor(failures: readonly HostFailure[]) {
    super(failures.map((f) => f.error ?? new Error(`${f.server} ${f.reason}`)), 'every host failed');
    this.connectErrors = failures.filter((f) => f.error !== undefined).map((f) => f.error);
    this.mismatched = failures.some((f) => f.error === undefined);
  }
}

/**
 * Whether a failed connect will fail the same way until someone changes something. For a
 * `connectToHosts` failure that is so only when every host refused for good (`isPermanent` of each
 * host's error: a bad password everywhere); a host that answered but was the wrong kind (a standby
 * during a failover) may be the right kind in a moment. Any other error is left to `isPermanent`.
 */
export function isPermanentConnectFailure(error: unknown, isPermanent: (error: unknown) => boolean): boolean {
  const cause = error instanceof UnipoolError ? error.cause : undefined;
  if (!(cause instanceof HostsConnectFailure)) return isPermanent(error);
  return !cause.mismatched && cause.connectErrors.length > 0 && cause.connectErrors.every(isPermanent);
}

/** `host:port` as messages and the eviction bookkeeping name a server (IPv6 in brackets). */
export function serverName(address: { readonly host?: string | undefined; readonly port?: number | undefined }): string {
  const host = address.host ?? 'localhost';
  return `${host.includes(':') ? `[${host}]` : host}${address.port === undefined ? '' : `:${address.port}`}`;
}

/** `settings` aimed at one host (the password carried over: it is non-enumerable, so a spread would drop it). */
function settingsFor(settings: ConnectionSettings, address: HostAddress): ConnectionSettings {
  const { hosts: _all, host: _host, port: _port, ...rest } = settings;
  return createConnectionSettings({ ...rest, options: { ...settings.options }, host: address.host, port: address.port, password: settings.password, passwordFunction: settings.passwordFunction });
}

/** The adapter's message without the docs-link line (the combined error gets its own). */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const link = error instanceof UnipoolError ? `\n${docsLinkLine(error.code)}` : '';
  return (link !== '' && message.endsWith(link) ? message.slice(0, -link.length) : message).replace(/\s+/g, ' ').trim();
}

/** Rejects with a timeout error when `promise` takes longer than `timeoutMs`; the timer never outlives it. */
function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than connectTimeoutMs (${timeoutMs} ms)`)), timeoutMs);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function closeQuietly<C>(adapter: Adapter<C>, raw: C): void {
  adapter.close(raw).catch(() => undefined);
}

/**
 * Opens one connection to the first host that accepts it and matches `targetSessionAttrs`, trying
 * the hosts in order as libpq does. Each host gets its own `connectTimeoutMs` (the driver's connect
 * timeout, and the same bound on the attribute check); `prefer-standby` keeps the first writable
 * server it meets and uses it only when no host is a standby. Host names reach the driver as
 * written, so they are resolved again by every connect (no DNS answer outlives a failover).
 * When no host will do: `UNIPOOL_CONNECT_FAILED` naming every host and why, the password never in it.
 */
export async function connectToHosts<C>(adapter: Adapter<C>, settings: ConnectionSettings, context: ConnectContext): Promise<HostConnection<C>> {
  const target: TargetSessionAttrs = settings.targetSessionAttrs ?? 'any';
  const hosts = settings.hosts;
  // One host and no target: exactly the plain connect, not a copy of the settings more.
  if (hosts === undefined && target === 'any') return { raw: await connectWithCurrentPassword(adapter, settings, context), server: serverName(settings) };
  const addresses = hosts ?? [{ host: settings.host ?? 'localhost', port: settings.port ?? 0 }];
  const failures: HostFailure[] = [];
  let fallback: HostConnection<C> | undefined;
  for (const address of addresses) {
    const server = serverName(address);
    let raw: C;
    try {
      raw = await connectWithCurrentPassword(adapter, hosts === undefined ? settings : settingsFor(settings, address), context);
    } catch (error) {
      failures.push({ server, reason: reasonOf(error), error });
      continue;
    }
    if (!needsSessionAttributes(target)) {
      if (fallback !== undefined) closeQuietly(adapter, fallback.raw);
      return { raw, server };
    }
    let attributes: SessionAttributes;
    try {
      if (adapter.sessionAttributes === undefined) throw new Error(`${adapter.engine} cannot tell what kind of server it reached`);
      attributes = await within(adapter.sessionAttributes(raw), context.timeoutMs, 'reading the server\'s read-only/standby state');
    } catch (error) {
      closeQuietly(adapter, raw);
      failures.push({ server, reason: reasonOf(error), error });
      continue;
    }
    if (matchesTarget(target, attributes)) {
      if (fallback !== undefined) closeQuietly(adapter, fallback.raw);
      return { raw, server };
    }
    if (target === 'prefer-standby' && fallback === undefined) fallback = { raw, server };
    else closeQuietly(adapter, raw);
    failures.push({ server, reason: describeMismatch(target, attributes), error: undefined });
  }
  if (fallback !== undefined) return fallback;
  throw hostsFailure(adapter.engine, target, failures, settings.password);
}

function hostsFailure(engine: string, target: TargetSessionAttrs, failures: readonly HostFailure[], password: string | undefined): UnipoolError {
  const list = failures.map((f) => `${f.server}: ${endSentence(f.reason)}`).join(' ');
  const what = target === 'any' ? 'any host' : `a host matching targetSessionAttrs "${target}"`;
  const hint = failures.some((f) => f.error === undefined)
    ? 'If a failover is under way, the next connect tries again; otherwise check targetSessionAttrs and the hosts list.'
    : 'Check that the hosts are right and reachable.';
  return new UnipoolError('UNIPOOL_CONNECT_FAILED', redactPassword(`${engine}: could not connect to ${what} (tried ${failures.length}): ${list} ${hint}`, password), { cause: new HostsConnectFailure(failures) });
}
