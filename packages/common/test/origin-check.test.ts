/** Which browser origins and Host headers may open the WebSocket control API (origin-check.ts), as a table. */
import { describe, expect, it } from 'vitest';
import { checkUpgradeOrigin, isLiteralHost, type UpgradeRefusal } from '../src/security/origin-check';

const HOST = '127.0.0.1:4444';

// [origin, host, loopback bind, expected: 'ok' or the refusal]
const CASES: Array<[string | undefined, string | undefined, boolean, 'ok' | UpgradeRefusal]> = [
  // Non-browser clients send no Origin: allowed as before.
  [undefined, HOST, true, 'ok'],
  [undefined, 'mig-host.example:4444', false, 'ok'],
  // The page served by this very port.
  ['http://127.0.0.1:4444', HOST, true, 'ok'],
  ['http://localhost:4444', 'localhost:4444', true, 'ok'],
  ['http://LOCALHOST:4444', 'LocalHost:4444', true, 'ok'],
  ['http://[::1]:4444', '[::1]:4444', true, 'ok'],
  ['http://127.0.0.1', '127.0.0.1:80', true, 'ok'],
  ['https://mig-host.example', 'mig-host.example', false, 'ok'],
  ['http://10.0.0.5:4444', '10.0.0.5:4444', false, 'ok'],
  // The other daemon's live view on this machine following it (?peer=): loopback binds only.
  ['http://127.0.0.1:5555', HOST, true, 'ok'],
  ['http://localhost:5555', HOST, true, 'ok'],
  ['http://[::1]:5555', '[::1]:4444', true, 'ok'],
  ['http://127.0.0.1:5555', '10.0.0.5:4444', false, 'origin-foreign'],
  // Any other site.
  ['https://evil.example', HOST, true, 'origin-foreign'],
  ['http://evil.example:4444', HOST, true, 'origin-foreign'],
  ['http://10.0.0.6:4444', '10.0.0.5:4444', false, 'origin-foreign'],
  ['http://127.0.0.1:4444', 'localhost:4444', false, 'origin-foreign'],
  // Only http(s) pages; file:// and sandboxed pages send "null".
  ['null', HOST, true, 'origin-malformed'],
  ['file://', HOST, true, 'origin-scheme'],
  ['chrome-extension://abcdef', HOST, true, 'origin-scheme'],
  ['ws://127.0.0.1:4444', HOST, true, 'origin-scheme'],
  // DNS rebinding: a hostile name re-pointed at 127.0.0.1 looks "same origin"; the Host check stops it.
  ['http://evil.example:4444', 'evil.example:4444', true, 'host-not-literal'],
  [undefined, 'evil.example:4444', true, 'host-not-literal'],
  [undefined, undefined, true, 'host-not-literal'],
  // No Host header on an exposed bind: no origin is this server's own (not even one named "undefined").
  ['http://undefined', undefined, false, 'origin-foreign'],
  // A Host header that is no host at all: never the page's own origin.
  ['http://x.example', 'bad host', false, 'origin-foreign'],
  // On an exposed bind the Host may be a DNS name (the token protects it).
  ['http://mig-host.example:4444', 'mig-host.example:4444', false, 'ok'],
];

describe('checkUpgradeOrigin', () => {
  it.each(CASES)('Origin %s, Host %s, loopback bind %s: %s', (origin, host, loopback, expected) => {
    const verdict = checkUpgradeOrigin({ origin, host }, loopback);
    expect(verdict.ok ? 'ok' : verdict.refusal).toBe(expected);
    if (!verdict.ok) expect(verdict.reason).toContain(verdict.refusal === 'host-not-literal' ? `Host '${host ?? ''}'` : `Origin '${origin}'`);
  });
});

describe('isLiteralHost', () => {
  it('accepts IP literals and localhost, with or without a port; nothing resolved through DNS', () => {
    for (const h of ['127.0.0.1', '127.0.0.1:1', 'localhost', 'localhost:9', '[::1]:9', '[::1]', '10.1.2.3:80']) expect(isLiteralHost(h)).toBe(true);
    for (const h of [undefined, '', 'evil.example', 'localhost.', 'x.localhost', '127.0.0.1.nip.io:80', 'a@127.0.0.1', '127.0.0.1/x', '::1', '127.0.0.1?x', '127.0.0.1#x', 'u:p@127.0.0.1']) expect(isLiteralHost(h)).toBe(false);
  });
});
