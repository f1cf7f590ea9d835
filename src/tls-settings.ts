/** libpq's TLS modes, with the same meaning on every server engine. `prefer`/`allow` are left out on purpose: see `TLS_MODES`. */
export type TlsMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

/**
 * Every mode, weakest first. `prefer` and `allow` (TLS only if the server offers it) are not
 * modes here: none of pg, mysql2 or oracledb can fall back to plain text after a refused TLS
 * handshake, and a silent downgrade is what these settings exist to prevent.
 */
export const TLS_MODES: readonly TlsMode[] = Object.freeze(['disable', 'require', 'verify-ca', 'verify-full']);

/**
 * `ssl` with a `mode`: disable = no TLS; require = TLS, certificate not checked; verify-ca = the
 * chain checked against `ca` (or the system store), host name not; verify-full = chain and host
 * name. `ca`, `cert`, `key` are PEM text (the client certificate and key for mutual TLS).
 */
export interface TlsOptions {
  readonly mode: TlsMode;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

/**
 * What `ssl` resolves to: a `TlsOptions` (the config's `true` becomes verify-full, `false` or no
 * `ssl` becomes disable), or — the older form, kept working — an object without `mode`, passed
 * to the driver as its own TLS options.
 */
export type TlsSetting = TlsOptions | Readonly<Record<string, unknown>>;

/** True for `ssl` with a `mode` (as opposed to driver TLS options). */
export function isTlsOptions(ssl: TlsSetting | undefined): ssl is TlsOptions {
  return ssl !== undefined && typeof ssl['mode'] === 'string';
}

/** The PEM fields of `TlsOptions`, for messages and for building driver options. */
export const TLS_PEM_FIELDS = Object.freeze(['ca', 'cert', 'key'] as const);
