/**
 * Test certificates, generated at test time with the openssl CLI into a temp
 * dir (never committed): a CA, a destination and a source certificate it
 * signed (SAN 127.0.0.1/localhost, both usages), and a rogue CA with a client
 * certificate of its own, and a leaf the real CA signed for another name, for
 * the negative tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertSet {
  dir: string;
  ca: string;
  destination: { cert: string; key: string };
  source: { cert: string; key: string };
  rogueCa: string;
  rogue: { cert: string; key: string };
  /** Signed by the real CA, but for another name (SAN DNS:elsewhere.invalid only). */
  wrongName: { cert: string; key: string };
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`]);
}

function makeLeaf(dir: string, name: string, ca: string, san = 'IP:127.0.0.1,DNS:localhost'): { cert: string; key: string } {
  openssl(dir, ['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nextendedKeyUsage=serverAuth,clientAuth\n`);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`]);
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

export function makeCerts(): CertSet {
  const dir = mkdtempSync(join(tmpdir(), 'livemig-certs-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'rogue-ca');
  return {
    dir,
    ca: join(dir, 'ca.crt'),
    destination: makeLeaf(dir, 'destination', 'ca'),
    source: makeLeaf(dir, 'source', 'ca'),
    rogueCa: join(dir, 'rogue-ca.crt'),
    rogue: makeLeaf(dir, 'rogue', 'rogue-ca'),
    wrongName: makeLeaf(dir, 'wrong-name', 'ca', 'DNS:elsewhere.invalid'),
  };
}
