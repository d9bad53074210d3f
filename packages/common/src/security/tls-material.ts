/**
 * TLS material checked at start-up, before the machine runs: each file parses
 * as what its flag says, the key belongs to the certificate, and OpenSSL
 * accepts the three together. A problem is a UsageError naming the flag and
 * the file in words (exit 2), not OpenSSL's error text when the migration starts.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { UsageError } from '../errors';

interface Material {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function certificates(pem: Buffer, flag: string, path: string): X509Certificate[] {
  const blocks = pem.toString('latin1').match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw new UsageError(`${flag} '${path}': no PEM certificate in the file (expected a -----BEGIN CERTIFICATE----- block)`);
  return blocks.map((b) => {
    try {
      return new X509Certificate(b);
    } catch {
      throw new UsageError(`${flag} '${path}': a certificate in the file does not parse (damaged PEM)`);
    }
  });
}

export function checkTlsMaterial(m: Material, paths: { cert: string; key: string; ca: string }): void {
  const [leaf] = certificates(m.cert, '--tls-cert', paths.cert);
  certificates(m.ca, '--tls-ca', paths.ca);
  let key: KeyObject;
  try {
    key = createPrivateKey(m.key);
  } catch {
    throw new UsageError(`--tls-key '${paths.key}': not a private key in PEM (an encrypted key is not supported: it would need a passphrase)`);
  }
  if (!leaf!.checkPrivateKey(key)) {
    throw new UsageError(`--tls-key '${paths.key}' does not match the certificate in --tls-cert '${paths.cert}' (it is the key of another certificate)`);
  }
  const now = Date.now();
  if (Date.parse(leaf!.validTo) < now) throw new UsageError(`--tls-cert '${paths.cert}': the certificate expired on ${leaf!.validTo}`);
  try {
    createSecureContext({ cert: m.cert, key: m.key, ca: m.ca });
  } catch (err) {
    throw new UsageError(`--tls-cert/--tls-key/--tls-ca: OpenSSL refuses them together (${err instanceof Error ? err.message : String(err)})`);
  }
}
