/** Pure security helpers: auth proofs, control token rules, security files, the stall-timeout parameter. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTH_NONCE_BYTES } from '../src/constants';
import { parseParameterValue } from '../src/migration-config';
import { QmpDispatcher } from '../src/qmp/dispatcher';
import { QmpSession } from '../src/qmp/session';
import { authProof, createNonce, isValidNonce, proofMatches } from '../src/security/auth';
import { checkControlExposure, isExposed, requestToken, tokenMatches } from '../src/security/control-auth';
import { parseSecurityOptions } from '../src/security/secret-files';

describe('auth proofs', () => {
  const secret = Buffer.from('k');
  const ns = createNonce();
  const nd = createNonce();
  it('are bound to the secret, the direction and both nonces', () => {
    const p = authProof(secret, 'source', ns, nd);
    expect(p).toHaveLength(32);
    expect(proofMatches(p, authProof(secret, 'source', ns, nd))).toBe(true);
    expect(proofMatches(p, authProof(Buffer.from('k2'), 'source', ns, nd))).toBe(false);
    expect(proofMatches(p, authProof(secret, 'destination', ns, nd))).toBe(false); // no reflection
    expect(proofMatches(p, authProof(secret, 'source', nd, ns))).toBe(false);
    expect(proofMatches(p, authProof(secret, 'source', ns, nd, 1))).toBe(false);
    expect(proofMatches(p, p.subarray(0, 16))).toBe(false);
    expect(proofMatches(p, undefined)).toBe(false);
  });
  it('nonces are random and of one length', () => {
    expect(ns.equals(nd)).toBe(false);
    expect(isValidNonce(ns)).toBe(true);
    expect(isValidNonce(Buffer.alloc(AUTH_NONCE_BYTES - 1))).toBe(false);
  });
});

describe('control API exposure', () => {
  it('loopback and Unix paths need no token; anything else does', () => {
    const tcp = (host: string) => ({ kind: 'tcp' as const, host, port: 1 });
    for (const h of ['127.0.0.1', '127.3.2.1', 'localhost', '::1', '[::1]']) expect(isExposed(tcp(h))).toBe(false);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'example.com']) expect(isExposed(tcp(h))).toBe(true);
    expect(isExposed({ kind: 'unix', host: '', port: 0 })).toBe(false);
    expect(() => checkControlExposure(tcp('0.0.0.0'), null, '--control')).toThrow(/--control 0.0.0.0:1: the control API binds a non-loopback address only with --control-token-file/);
    expect(() => checkControlExposure(tcp('0.0.0.0'), 't', '--control')).not.toThrow();
  });
  it('tokens: Bearer header first, then ?token=; compared in constant time', () => {
    expect(requestToken({ headers: { authorization: 'Bearer abc' }, url: '/?token=zzz' })).toBe('abc');
    expect(requestToken({ headers: {}, url: '/x?token=zzz' })).toBe('zzz');
    expect(requestToken({ headers: {}, url: '/' })).toBeNull();
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abcd')).toBe(false);
    expect(tokenMatches('abc', undefined)).toBe(false);
  });
  it('a QMP session that requires a token refuses negotiation without it and drops the connection', async () => {
    const sent: unknown[] = [];
    let closed = false;
    const s = new QmpSession(new QmpDispatcher('t', '0.1.0'), { send: (m) => sent.push(m), close: () => (closed = true) }, { token: 'tok' });
    await s.handleText('{"execute":"qmp_capabilities","id":1}');
    expect(sent[1]).toEqual({ error: { class: 'GenericError', desc: "Authentication failed: this endpoint needs qmp_capabilities with a valid 'token' argument" }, id: 1 });
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(true);
    const ok: unknown[] = [];
    const s2 = new QmpSession(new QmpDispatcher('t', '0.1.0'), { send: (m) => ok.push(m) }, { token: 'tok' });
    await s2.handleText('{"execute":"qmp_capabilities","arguments":{"token":"tok"},"id":2}');
    expect(ok[1]).toEqual({ return: {}, id: 2 });
  });
});

describe('security files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'livemig-secfiles-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (n: string, c: string) => {
    writeFileSync(join(dir, n), c);
    return join(dir, n);
  };
  it('reads secrets without their trailing newline, names bad files', () => {
    const o = parseSecurityOptions({ 'auth-secret-file': file('s', 'abc\n'), 'control-token-file': file('t', 'tok\r\n') });
    expect(o.authSecret?.toString()).toBe('abc');
    expect(o.controlToken).toBe('tok');
    expect(o.tls).toBeNull();
    expect(() => parseSecurityOptions({ 'auth-secret-file': file('e', '\n') })).toThrow(/--auth-secret-file '.*e': the file is empty/);
    expect(() => parseSecurityOptions({ 'auth-secret-file': join(dir, 'nope') })).toThrow(/--auth-secret-file '.*nope': cannot read the file \(ENOENT\)/);
    expect(() => parseSecurityOptions({ 'control-token-file': file('w', 'a b') })).toThrow(/must not contain whitespace/);
    expect(() => parseSecurityOptions({ 'tls-cert': file('c', 'x'), 'tls-ca': file('a', 'x') })).toThrow(/missing --tls-key$/);
  });
});

describe('stall-timeout parameter', () => {
  it('defaults to 10 s; 0 turns it off; tiny values and junk are refused by name', () => {
    expect(parseParameterValue('stall-timeout', '0')).toBe(0);
    expect(parseParameterValue('stall-timeout', 2500)).toBe(2500);
    expect(() => parseParameterValue('stall-timeout', 50)).toThrow("Parameter 'stall-timeout' expects 0 (off) or at least 100, got 50");
    expect(() => parseParameterValue('stall-timeout', 'soon')).toThrow(/stall-timeout.*'soon' is not a non-negative integer/);
    expect(() => parseParameterValue('stall-timeout', -1)).toThrow(/between 0 and 86400000/);
  });
});
