import { isTlsOptions, type TlsSetting } from '../../src/tls-settings.js';

/** Node's host-name check switched off: verify-ca checks the chain only, as libpq does. */
const SKIP_HOST_NAME_CHECK = (): undefined => undefined;

/**
 * pg's `ssl` option for unipool's TLS setting (libpq's modes). pg hands the object to
 * `tls.connect()` (adding `servername` for a host name), so Node's checks apply: verify-full keeps
 * them all, verify-ca drops the host-name check, require drops both. `undefined` leaves `ssl`
 * unset (pg then reads PGSSLMODE). The older form, pg's own TLS options, is passed as given — as a
 * copy, because pg defines properties on the object it is given and resolved settings are frozen.
 */
export function pgSslOption(ssl: TlsSetting | undefined): boolean | Record<string, unknown> | undefined {
  if (ssl === undefined) return undefined;
  if (!isTlsOptions(ssl)) return { ...ssl };
  const pem = { ...(ssl.ca === undefined ? {} : { ca: ssl.ca }), ...(ssl.cert === undefined ? {} : { cert: ssl.cert }), ...(ssl.key === undefined ? {} : { key: ssl.key }) };
  switch (ssl.mode) {
    case 'disable':
      return false;
    case 'require':
      return { ...pem, rejectUnauthorized: false };
    case 'verify-ca':
      return { ...pem, rejectUnauthorized: true, checkServerIdentity: SKIP_HOST_NAME_CHECK };
    case 'verify-full':
      return { ...pem, rejectUnauthorized: true };
  }
}
