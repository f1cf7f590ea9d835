import { isTlsOptions, type TlsOptions, type TlsSetting } from '../../src/tls-settings.js';

/**
 * mysql2's `ssl` objects, one per resolved setting: mysql2 keeps its TLS session cache per `ssl`
 * object, so handing every connection of a pool the same one lets them resume sessions. (mysql2
 * writes `rejectUnauthorized` into the object; ours already has it.)
 */
const built = new WeakMap<TlsOptions, Record<string, unknown>>();

/**
 * mysql2's `ssl` option for unipool's TLS setting (libpq's modes): `rejectUnauthorized` checks the
 * chain and mysql2's `verifyIdentity` the host name, so require = neither, verify-ca = the chain,
 * verify-full = both. Disable (or no setting) sends no `ssl` at all. The older form, mysql2's own
 * TLS options, is passed as a copy, since mysql2 writes into it and resolved settings are frozen.
 */
export function mysqlSslOption(ssl: TlsSetting | undefined): { ssl?: Record<string, unknown> } {
  if (ssl === undefined) return {};
  if (!isTlsOptions(ssl)) return { ssl: { ...ssl } };
  if (ssl.mode === 'disable') return {};
  let option = built.get(ssl);
  if (option === undefined) {
    const pem = { ...(ssl.ca === undefined ? {} : { ca: ssl.ca }), ...(ssl.cert === undefined ? {} : { cert: ssl.cert }), ...(ssl.key === undefined ? {} : { key: ssl.key }) };
    option = { ...pem, rejectUnauthorized: ssl.mode !== 'require', verifyIdentity: ssl.mode === 'verify-full' };
    built.set(ssl, option);
  }
  return { ssl: option };
}
