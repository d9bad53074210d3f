/**
 * TLS material checked at start-up (checkTlsMaterial, through
 * parseSecurityOptions as the daemons call it): each problem is a UsageError
 * naming the flag and the file, before the machine runs. Certificates are made
 * with the openssl CLI in a temp dir (test/helpers/certs.ts), plus an expired
 * one and damaged files.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors';
import { parseSecurityOptions } from '../src/security/secret-files';
import { makeCerts, type CertSet } from '../../../test/helpers/certs';
import { refusal } from './helpers/refusal';

let certs: CertSet;
let expired: { cert: string; key: string };
const file = (name: string, content: string | Buffer): string => {
  const p = join(certs.dir, name);
  writeFileSync(p, content);
  return p;
};

beforeAll(() => {
  certs = makeCerts();
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: certs.dir, stdio: 'pipe' });
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'old.key', '-out', 'old.csr', '-subj', '/CN=old']);
  run(['x509', '-req', '-in', 'old.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'old.crt', '-days', '-1']);
  expired = { cert: join(certs.dir, 'old.crt'), key: join(certs.dir, 'old.key') };
});
afterAll(() => rmSync(certs.dir, { recursive: true, force: true }));

const opts = (cert: string, key: string, ca: string) => ({ 'tls-cert': cert, 'tls-key': key, 'tls-ca': ca });

describe('TLS material', () => {
  it('a matching certificate, key and CA pass, and are kept as read', () => {
    const o = parseSecurityOptions(opts(certs.source.cert, certs.source.key, certs.ca));
    expect(o.tls).not.toBeNull();
    expect(o.tls!.cert.equals(readFileSync(certs.source.cert))).toBe(true);
    expect(o.tls!.key.equals(readFileSync(certs.source.key))).toBe(true);
    expect(o.tls!.ca.equals(readFileSync(certs.ca))).toBe(true);
    expect(Object.isFrozen(o)).toBe(true);
    expect(Object.isFrozen(o.tls)).toBe(true);
    expect(o.authSecret).toBeNull();
    expect(o.controlToken).toBeNull();
  });

  it('names what is missing of the three', () => {
    expect(refusal(() => parseSecurityOptions({ 'tls-key': certs.source.key }), UsageError)).toBe(
      'TLS needs --tls-cert, --tls-key and --tls-ca together (mutual authentication); missing --tls-cert, --tls-ca',
    );
    expect(refusal(() => parseSecurityOptions({ 'tls-ca': certs.ca }), UsageError)).toMatch(/; missing --tls-cert, --tls-key$/);
    expect(refusal(() => parseSecurityOptions({ 'tls-cert': certs.source.cert }), UsageError)).toMatch(/; missing --tls-key, --tls-ca$/);
  });

  it('a file that is no certificate, or a damaged one, names the flag and the file', () => {
    const notPem = file('not.pem', 'hello');
    expect(refusal(() => parseSecurityOptions(opts(notPem, certs.source.key, certs.ca)), UsageError)).toBe(
      `--tls-cert '${notPem}': no PEM certificate in the file (expected a -----BEGIN CERTIFICATE----- block)`,
    );
    expect(refusal(() => parseSecurityOptions(opts(certs.source.cert, certs.source.key, notPem)), UsageError)).toBe(
      `--tls-ca '${notPem}': no PEM certificate in the file (expected a -----BEGIN CERTIFICATE----- block)`,
    );
    const damaged = file('damaged.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect(refusal(() => parseSecurityOptions(opts(damaged, certs.source.key, certs.ca)), UsageError)).toBe(`--tls-cert '${damaged}': a certificate in the file does not parse (damaged PEM)`);
    expect(refusal(() => parseSecurityOptions(opts(certs.source.cert, certs.source.key, damaged)), UsageError)).toBe(`--tls-ca '${damaged}': a certificate in the file does not parse (damaged PEM)`);
  });

  it('the first certificate of a chain file is the leaf the key must match', () => {
    const chain = file('chain.pem', Buffer.concat([readFileSync(certs.source.cert), readFileSync(certs.ca)]));
    expect(() => parseSecurityOptions(opts(chain, certs.source.key, certs.ca))).not.toThrow();
    const reversed = file('reversed.pem', Buffer.concat([readFileSync(certs.ca), readFileSync(certs.source.cert)]));
    expect(refusal(() => parseSecurityOptions(opts(reversed, certs.source.key, certs.ca)), UsageError)).toMatch(/does not match the certificate in --tls-cert/);
  });

  it('a key that is not a key, or the key of another certificate', () => {
    expect(refusal(() => parseSecurityOptions(opts(certs.source.cert, certs.source.cert, certs.ca)), UsageError)).toBe(
      `--tls-key '${certs.source.cert}': not a private key in PEM (an encrypted key is not supported: it would need a passphrase)`,
    );
    expect(refusal(() => parseSecurityOptions(opts(certs.source.cert, certs.destination.key, certs.ca)), UsageError)).toBe(
      `--tls-key '${certs.destination.key}' does not match the certificate in --tls-cert '${certs.source.cert}' (it is the key of another certificate)`,
    );
  });

  it('an expired certificate, naming when it expired', () => {
    const m = refusal(() => parseSecurityOptions(opts(expired.cert, expired.key, certs.ca)), UsageError);
    expect(m).toMatch(new RegExp(`^--tls-cert '${expired.cert}': the certificate expired on \\w{3} +\\d+ \\d\\d:\\d\\d:\\d\\d \\d{4} GMT$`));
  });

  it('material every check passes but OpenSSL still refuses: reported in words, with its reason', () => {
    // The leaf is whole, then a certificate block that never ends: the PEM scan sees only the leaf.
    const cut = file('cut.pem', Buffer.concat([readFileSync(certs.source.cert), Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n')]));
    expect(refusal(() => parseSecurityOptions(opts(cut, certs.source.key, certs.ca)), UsageError)).toMatch(/^--tls-cert\/--tls-key\/--tls-ca: OpenSSL refuses them together \(.*bad end line.*\)$/);
  });

  it('an unreadable file names the flag, the file and the reason', () => {
    const missing = join(certs.dir, 'missing.pem');
    expect(refusal(() => parseSecurityOptions(opts(missing, certs.source.key, certs.ca)), UsageError)).toBe(`--tls-cert '${missing}': cannot read the file (ENOENT)`);
    expect(refusal(() => parseSecurityOptions(opts(certs.source.cert, missing, certs.ca)), UsageError)).toBe(`--tls-key '${missing}': cannot read the file (ENOENT)`);
    expect(refusal(() => parseSecurityOptions(opts(certs.source.cert, certs.source.key, missing)), UsageError)).toBe(`--tls-ca '${missing}': cannot read the file (ENOENT)`);
    expect(refusal(() => parseSecurityOptions(opts(certs.dir, certs.source.key, certs.ca)), UsageError)).toBe(`--tls-cert '${certs.dir}': cannot read the file (EISDIR)`);
  });
});

describe('secret and token files', () => {
  it('strips trailing newlines, carriage returns, spaces and tabs only, and keeps the rest as bytes', () => {
    const s = file('secret', 'a b\t\r\n \t\n');
    expect(parseSecurityOptions({ 'auth-secret-file': s }).authSecret).toEqual(Buffer.from('a b'));
    const lead = file('lead', '\n\tkey');
    expect(parseSecurityOptions({ 'auth-secret-file': lead }).authSecret).toEqual(Buffer.from('\n\tkey'));
    const blank = file('blank', ' \t\r\n');
    expect(refusal(() => parseSecurityOptions({ 'auth-secret-file': blank }), UsageError)).toBe(`--auth-secret-file '${blank}': the file is empty`);
    const empty = file('empty', '');
    expect(refusal(() => parseSecurityOptions({ 'control-token-file': empty }), UsageError)).toBe(`--control-token-file '${empty}': the file is empty`);
  });

  it('a token with whitespace inside is refused by name; a clean one is kept as text', () => {
    const tab = file('tab', 'a\tb\n');
    expect(refusal(() => parseSecurityOptions({ 'control-token-file': tab }), UsageError)).toBe(`--control-token-file '${tab}': the token must not contain whitespace`);
    const ok = file('tok', 'abc-123\n');
    expect(parseSecurityOptions({ 'control-token-file': ok }).controlToken).toBe('abc-123');
  });

  it('nothing named: no TLS, no secret, no token', () => {
    expect(parseSecurityOptions({})).toEqual({ tls: null, authSecret: null, controlToken: null });
  });
});
