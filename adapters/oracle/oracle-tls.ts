import { UnipoolError } from '../../src/errors.js';
import { isTlsOptions, type TlsSetting } from '../../src/tls-settings.js';

/** How a TLS setting reaches oracledb: TCPS in the connect string, and connection attributes. */
export interface OracleTls {
  /** Whether the built Easy Connect string says `tcps://`. */
  readonly tcps: boolean;
  /** oracledb connection attributes, e.g. `sslServerDNMatch`. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

const PLAIN: OracleTls = Object.freeze({ tcps: false, attributes: Object.freeze({}) });
const CHAIN_ONLY: OracleTls = Object.freeze({ tcps: true, attributes: Object.freeze({ sslServerDNMatch: false }) });
const CHAIN_AND_HOST: OracleTls = Object.freeze({ tcps: true, attributes: Object.freeze({ sslServerDNMatch: true }) });

/**
 * oracledb Thin for unipool's TLS setting: verify-full matches the server certificate against the
 * host name (`sslServerDNMatch`, oracledb's default), verify-ca only checks its chain. Thin always
 * checks the chain, so `require` cannot be honoured (the config refuses it; this is the backstop).
 * Trust anchors come from the system store or a PEM wallet (`options.walletLocation`). The older
 * form, oracledb's own attributes (`sslServerCertDN`…), is passed as given, with TCPS.
 */
export function oracleTls(ssl: TlsSetting | undefined): OracleTls {
  if (ssl === undefined) return PLAIN;
  if (!isTlsOptions(ssl)) return { tcps: true, attributes: ssl };
  switch (ssl.mode) {
    case 'disable':
      return PLAIN;
    case 'verify-ca':
      return CHAIN_ONLY;
    case 'verify-full':
      return CHAIN_AND_HOST;
    case 'require':
      throw new UnipoolError('UNIPOOL_UNSUPPORTED', 'oracle: ssl mode "require" is not supported: oracledb Thin always checks the certificate chain. Use "verify-ca" (chain only) or "verify-full".');
  }
}
