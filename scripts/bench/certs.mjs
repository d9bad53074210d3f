/**
 * Throw-away certificates for the TLS rows of the bench (openssl, in a temp
 * dir): a CA, and a source and a destination certificate it signed, for
 * 127.0.0.1. The same kind the tests use (test/helpers/certs.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makeBenchCerts() {
  const dir = mkdtempSync(join(tmpdir(), 'livemig-bench-certs-'));
  const ssl = (args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl(['req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=livemig-bench-ca']);
  const leaf = (name) => {
    ssl(['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
    writeFileSync(join(dir, `${name}.ext`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
    ssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`]);
    return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  };
  const certs = { dir, ca: join(dir, 'ca.crt'), source: leaf('source'), destination: leaf('destination') };
  return {
    ...certs,
    /** The daemons' options for one side. */
    args: (who) => ['--tls-cert', certs[who].cert, '--tls-key', certs[who].key, '--tls-ca', certs.ca],
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
