/**
 * Throw-away certificates for the TLS tests, made with the `openssl` command line: a CA, a server
 * certificate it signs for `localhost` only (SAN DNS:localhost — so connecting by 127.0.0.1 is the
 * wrong-host case), and a second, unrelated CA (the wrong-CA case). Everything lives in one temp
 * directory that `remove()` deletes.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM texts and the files they were written to (a server started with file paths reads those). */
export interface TestCertificates {
  readonly dir: string;
  /** The CA that signed the server certificate. */
  readonly ca: string;
  readonly caFile: string;
  /** A CA that signed nothing the servers use. */
  readonly otherCa: string;
  readonly serverCert: string;
  readonly serverCertFile: string;
  readonly serverKey: string;
  readonly serverKeyFile: string;
  /** A client certificate signed by `ca`, for the user named `CLIENT_CERT_USER` (mutual TLS). */
  readonly clientCert: string;
  readonly clientKey: string;
  /** Deletes the directory. Safe to call twice. */
  remove(): void;
}

/** The user name in the client certificate's CN (PostgreSQL's `cert` authentication matches them). */
export const CLIENT_CERT_USER = 'tls_client';

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
}

/** Generates the certificates (RSA 2048, valid two days). Throws with openssl's message when it is missing or fails. */
export function createTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'unipool-tls-'));
  try {
    for (const name of ['ca', 'other-ca']) {
      openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', `/CN=unipool test ${name}`, '-keyout', `${name}.key`, '-out', `${name}.crt`], dir);
    }
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr'], dir);
    writeFileSync(join(dir, 'server.ext'), 'subjectAltName = DNS:localhost\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\n');
    openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-sha256', '-extfile', 'server.ext', '-out', 'server.crt'], dir);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', `/CN=${CLIENT_CERT_USER}`, '-keyout', 'client.key', '-out', 'client.csr'], dir);
    openssl(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-sha256', '-out', 'client.crt'], dir);
    chmodSync(dir, 0o755);
    for (const file of ['ca.crt', 'server.crt', 'server.key']) chmodSync(join(dir, file), 0o644);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  return {
    dir,
    ca: read('ca.crt'),
    caFile: join(dir, 'ca.crt'),
    otherCa: read('other-ca.crt'),
    serverCert: read('server.crt'),
    serverCertFile: join(dir, 'server.crt'),
    serverKey: read('server.key'),
    serverKeyFile: join(dir, 'server.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
