import { UnipoolError } from './errors.js';

/** Network error codes every TCP driver reports → what to check. Adapters add their own codes. */
export const NETWORK_HINTS: Readonly<Record<string, string>> = Object.freeze({
  ECONNREFUSED: 'Is the server running and listening on that host and port?',
  ENOTFOUND: 'Check the host name.',
  EAI_AGAIN: 'Check the host name and DNS.',
  EHOSTUNREACH: 'Check the host and the network route to it.',
  ECONNRESET: 'The server closed the connection; check ssl settings and the server log.',
});

/**
 * `text` ending in exactly one full stop, so a driver message that already ends in one (or a hint
 * we appended earlier) does not read "pg_hba.conf.. Fix" once the next sentence is joined on.
 */
export function endSentence(text: string): string {
  const trimmed = text.trimEnd();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * Node's TLS codes for a certificate that failed verification (`tls.TLSSocket` `authorizationError`
 * and the errors built from it): retrying cannot help until the certificate or `ssl` settings change.
 */
export const TLS_VERIFY_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE', 'CERT_SIGNATURE_FAILURE', 'CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'CERT_CHAIN_TOO_LONG', 'CERT_REVOKED',
  'INVALID_CA', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * The driver's error behind an adapter's `UNIPOOL_CONNECT_FAILED`/`UNIPOOL_CONNECT_TIMEOUT` (its
 * `cause`), or `error` itself when it is not one of those: what `connectFailureKind` looks at.
 */
export function driverErrorOf(error: unknown): unknown {
  if (error instanceof UnipoolError && (error.code === 'UNIPOOL_CONNECT_FAILED' || error.code === 'UNIPOOL_CONNECT_TIMEOUT') && error.cause !== undefined) return error.cause;
  return error;
}

/** The `code` of `error` when it is a string. */
export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A password must never reach a message, even if a driver message happened to echo it. */
export function redactPassword(text: string, password: string | undefined): string {
  return password ? text.split(password).join('***') : text;
}

/** `UNIPOOL_CONNECT_TIMEOUT` for one connect attempt; `detail` may add an engine note after the ms. */
export function connectTimeoutFailure(engine: string, target: string, timeoutMs: number, cause: unknown, detail = ''): UnipoolError {
  return new UnipoolError(
    'UNIPOOL_CONNECT_TIMEOUT',
    `${engine}: connecting to ${target} took longer than connectTimeoutMs (${timeoutMs} ms${detail}). Check that the host and port are right and reachable (firewall, VPN), or raise pool.connectTimeoutMs.`,
    { cause },
  );
}

/**
 * `UNIPOOL_CONNECT_FAILED`: what failed, the driver's code, and what to check (from `hints`, by the
 * error's `code`); the driver error is the cause and the password is redacted from the text.
 */
export function connectFailure(engine: string, target: string, error: unknown, hints: Readonly<Record<string, string>>, password: string | undefined, options: { showCode?: boolean; firstLineOnly?: boolean } = {}): UnipoolError {
  const code = (error as { code?: unknown } | null)?.code;
  const hint = (typeof code === 'string' ? (hints[code] ?? NETWORK_HINTS[code]) : undefined) ?? 'Check the connection settings.';
  let detail = error instanceof Error ? error.message : String(error);
  if (options.firstLineOnly === true) detail = detail.split('\n')[0] ?? '';
  const shownCode = options.showCode !== false && typeof code === 'string' ? ` (${code})` : '';
  return new UnipoolError('UNIPOOL_CONNECT_FAILED', redactPassword(`${endSentence(`${engine}: could not connect to ${target}: ${detail}${shownCode}`)} ${hint}`, password), { cause: error });
}
