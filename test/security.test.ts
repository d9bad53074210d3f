/**
 * Security (SPEC §6): mutual TLS on the migration channel, the shared-secret
 * challenge-response, and the control API token. A client without the right
 * certificate or secret moves no state: the destination stays `inmigrate`, no
 * connection became a migration, and it still takes a legitimate migration
 * afterwards (even with --exit-on-complete).
 */
import { connect } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { STREAM_MAGIC, STREAM_VERSION, encodeFrame, createReturnPathDecoder } from '@livemig/common/wire';
import { createNonce } from '@livemig/common/control';
import { controlAddress, killAll, startDestination, startSource, type DaemonProcess } from './helpers/daemons';
import { QmpWsClient } from './helpers/qmp-client';
import { makeCerts, type CertSet } from './helpers/certs';
import { buildStream } from './helpers/stream-builder';

afterEach(killAll);

const SPECS = ['ram,id=ram0,size=8M,seed=1', 'accel,id=accel0,resources=1,resource-size=1M,alloc-ms=0,initial-size=4K,state-size=64K,seed=2', 'cpu,id=cpu0,vcpus=1,seed=3'];
const DEVICES = SPECS.flatMap((s) => ['--device', s]);
/** The source's machine, idle (the destination takes the devices only: it runs what it receives). */
const MACHINE = [...DEVICES, '--workload', 'dirty-rate=0'];
const CAPS = ['--caps', 'return-path,switchover-ack,verify'];

let certs: CertSet;
let dir: string;
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
};
beforeAll(() => {
  certs = makeCerts();
  dir = mkdtempSync(join(tmpdir(), 'livemig-sec-'));
});
afterAll(() => {
  rmSync(certs.dir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

const tlsArgs = (who: { cert: string; key: string }, ca: string): string[] => ['--tls-cert', who.cert, '--tls-key', who.key, '--tls-ca', ca];

/** The destination moved no state: no connection became a migration and the machine still waits. */
async function expectNoStateMoved(dst: DaemonProcess): Promise<void> {
  const q = await QmpWsClient.connect(await controlAddress(dst));
  const info = await q.call('query-migrate');
  expect(info.status).toBe('setup');
  expect((await q.call('query-status')).status).toBe('inmigrate');
  expect(q.events.filter((e) => e.event === 'MIGRATION')).toEqual([]);
  q.close();
  expect(dst.logs.some((l) => l.msg === 'migration status' || l.msg === 'incoming migration failed; partial state discarded')).toBe(false);
  expect(dst.proc.exitCode).toBeNull();
}

/** A legitimate source still migrates into `uri` afterwards; returns its summary. */
async function migrateOk(uri: string, extra: string[]): Promise<Record<string, unknown>> {
  const src = startSource([...MACHINE, ...CAPS, ...extra, '--migrate-to', uri]);
  const exit = await src.exited;
  expect(exit.code, src.stderrText.slice(-2000)).toBe(0);
  return src.summary();
}

describe('mutual TLS on the migration channel', () => {
  it('migrates over TLS when both ends trust each other', async () => {
    const { d: dst, uri } = await startDestination([...DEVICES, ...CAPS, ...tlsArgs(certs.destination, certs.ca), '--exit-on-complete']);
    const s = await migrateOk(uri, tlsArgs(certs.source, certs.ca));
    expect(s.verified).toBe(true);
    expect((await dst.exited).code).toBe(0);
  });

  it('multifd channels go over TLS too, with the shared secret, and the migration verifies', async () => {
    const secret = file('secret-multifd', 'multifd-shared-secret');
    const caps = ['--caps', 'return-path,switchover-ack,verify,multifd', '--param', 'multifd-channels=2'];
    const both = [...tlsArgs(certs.destination, certs.ca), '--auth-secret-file', secret];
    const { d: dst, uri } = await startDestination([...DEVICES, ...caps, ...both, '--exit-on-complete']);
    const src = startSource([...MACHINE, ...caps, ...tlsArgs(certs.source, certs.ca), '--auth-secret-file', secret, '--migrate-to', uri]);
    // It takes ~1 s; bounded well inside the test's timeout so a stall fails with both daemons' logs.
    expect((await src.exitedWithin(40_000, dst)).code, src.stderrText.slice(-2000)).toBe(0);
    expect(src.summary().verified).toBe(true);
    expect(dst.logs.filter((l) => l.msg === 'multifd channel attached')).toHaveLength(2);
    expect((await dst.exited).code).toBe(0);
  });

  it('migrates over TLS from the first byte after the handshake (ram + cpu, dirtying workload)', async () => {
    // The source starts writing right after the server's session ticket: this once corrupted TLS records.
    const machine = ['--device', 'ram,id=ram0,size=16M', '--device', 'cpu,id=cpu0,vcpus=2'];
    const caps = ['--caps', 'return-path,verify'];
    const { d: dst, uri } = await startDestination([...machine, ...caps, ...tlsArgs(certs.destination, certs.ca), '--exit-on-complete']);
    const src = startSource([...machine, ...caps, '--workload', 'dirty-rate=16M', ...tlsArgs(certs.source, certs.ca), '--migrate-to', uri]);
    expect((await src.exited).code, src.stdout).toBe(0);
    expect(src.summary().verified).toBe(true);
    expect((await dst.exited).code).toBe(0);
  });

  it('refuses a source whose certificate another CA signed, a plain-TCP source, and keeps listening', async () => {
    const { d: dst, uri } = await startDestination([...DEVICES, ...CAPS, ...tlsArgs(certs.destination, certs.ca), '--control', '127.0.0.1:0', '--exit-on-complete']);
    // Rogue client certificate (it trusts the real CA, so the server is fine to it).
    const rogue = startSource([...MACHINE, ...CAPS, ...tlsArgs(certs.rogue, certs.ca), '--migrate-to', uri]);
    expect((await rogue.exited).code).toBe(1);
    expect(rogue.summary()['error-desc']).toMatch(/TLS: destination .* did not accept this source's certificate/);
    expect(rogue.summary()['error-code']).toBe('MIG_ERR_AUTH');
    expect((rogue.summary().ram as Record<string, number>).transferred).toBe(0);
    await dst.waitMsg('incoming connection refused: TLS handshake failed');
    // No TLS at all.
    const plain = startSource([...MACHINE, ...CAPS, '--migrate-to', uri]);
    expect((await plain.exited).code).toBe(1);
    expect(plain.summary()['error-desc']).toMatch(/connection to the destination lost during .*, before it answered a single byte.*it expects TLS and this source has none/);
    await dst.waitLog((l) => l.msg === 'incoming connection refused: TLS handshake failed' && dst.logs.filter((x) => x.msg === l.msg).length >= 2);
    await expectNoStateMoved(dst);
    const s = await migrateOk(uri, tlsArgs(certs.source, certs.ca));
    expect(s.verified).toBe(true);
    expect((await dst.exited).code).toBe(0);
  });

  it('the source refuses a destination it cannot verify: no state is sent', async () => {
    const { d: dst, uri } = await startDestination([...DEVICES, ...CAPS, ...tlsArgs(certs.rogue, certs.rogueCa), '--control', '127.0.0.1:0']);
    const src = startSource([...MACHINE, ...CAPS, ...tlsArgs(certs.source, certs.ca), '--migrate-to', uri]);
    expect((await src.exited).code).toBe(1);
    const s = src.summary();
    expect(s['error-code']).toBe('MIG_ERR_AUTH');
    expect(s['error-desc']).toMatch(/TLS handshake with destination .* failed/);
    expect((s.ram as Record<string, number>).transferred).toBe(0);
    await expectNoStateMoved(dst);
  });
});

describe('TLS: server identity, client certificate, protocol version', () => {
  it('the source refuses a destination whose certificate (from the trusted CA) names another host: no state is sent', async () => {
    const { d: dst, uri } = await startDestination([...DEVICES, ...CAPS, ...tlsArgs(certs.wrongName, certs.ca), '--control', '127.0.0.1:0']);
    const src = startSource([...MACHINE, ...CAPS, ...tlsArgs(certs.source, certs.ca), '--migrate-to', uri]);
    expect((await src.exited).code).toBe(1);
    const s = src.summary();
    expect(s['error-code']).toBe('MIG_ERR_AUTH');
    expect(s['error-desc']).toMatch(/TLS handshake with destination .* failed.*(altnames|IP: 127\.0\.0\.1 is not in the cert's list)/);
    expect((s.ram as Record<string, number>).transferred).toBe(0);
    await expectNoStateMoved(dst);
  });

  /** A raw TLS client against `port`: how its handshake ended (`secure`, or the error code). */
  function rawTls(port: number, opts: Omit<TlsConnectionOptions, 'host' | 'port'>): Promise<string> {
    return new Promise((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(certs.ca), ...opts });
      s.once('secureConnect', () => {
        // TLS 1.3: the client finishes first; a server that refuses its certificate then hangs up.
        s.once('close', () => resolve('secure, then closed by the server'));
        s.resume();
        // A failure bound only (a server that keeps the client fails the test in 5 s, not 60).
        setTimeout(() => {
          resolve('secure, and still open after 5 s');
          s.destroy();
        }, 5000).unref();
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        s.destroy();
        resolve(err.code ?? err.message);
      });
    });
  }

  it('refuses a client without a certificate and one offering only TLS 1.1; no state moves, it keeps listening', async () => {
    const { d: dst, port, uri } = await startDestination([...DEVICES, ...CAPS, ...tlsArgs(certs.destination, certs.ca), '--control', '127.0.0.1:0', '--exit-on-complete']);
    const refusals = (): number => dst.logs.filter((l) => l.msg === 'incoming connection refused: TLS handshake failed').length;
    const noCert = await rawTls(port, {});
    expect(noCert).toMatch(/CERTIFICATE_REQUIRED|secure, then closed by the server/);
    await dst.waitLog(() => refusals() >= 1);
    // SECLEVEL=0 lets this client's OpenSSL offer TLS 1.0/1.1 at all: the refusal is the destination's.
    const tls11 = await rawTls(port, {
      cert: readFileSync(certs.source.cert),
      key: readFileSync(certs.source.key),
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    expect(tls11).toMatch(/ALERT_PROTOCOL_VERSION/);
    expect(tls11).not.toMatch(/NO_PROTOCOLS_AVAILABLE/);
    await dst.waitLog(() => refusals() >= 2);
    await expectNoStateMoved(dst);
    expect((await migrateOk(uri, tlsArgs(certs.source, certs.ca))).verified).toBe(true);
    expect((await dst.exited).code).toBe(0);
  });
});

describe('shared-secret challenge-response', () => {
  it('authenticates both ways and migrates', async () => {
    const secret = file('secret', 'correct horse battery staple\n');
    const { d: dst, uri } = await startDestination([...DEVICES, ...CAPS, '--auth-secret-file', secret, '--exit-on-complete']);
    const s = await migrateOk(uri, ['--auth-secret-file', secret]);
    expect(s.verified).toBe(true);
    expect((await dst.exited).code).toBe(0);
    expect(dst.logs.some((l) => l.msg === 'source authenticated (shared secret)')).toBe(true);
  });

  it('a wrong secret or none moves no state; the destination keeps listening (--exit-on-complete)', async () => {
    const secret = file('secret2', 'the right one');
    const wrong = file('wrong', 'the wrong one');
    const { d: dst, uri } = await startDestination([...DEVICES, ...CAPS, '--auth-secret-file', secret, '--control', '127.0.0.1:0', '--exit-on-complete']);
    const bad = startSource([...MACHINE, ...CAPS, '--auth-secret-file', wrong, '--migrate-to', uri]);
    expect((await bad.exited).code).toBe(1);
    expect(bad.summary()['error-desc']).toMatch(/authentication failed: the destination could not prove it knows the shared secret/);
    expect(bad.summary()['error-code']).toBe('MIG_ERR_AUTH');
    const none = startSource([...MACHINE, ...CAPS, '--migrate-to', uri]);
    expect((await none.exited).code).toBe(1);
    expect(none.summary()['error-desc']).toMatch(/authentication required/);
    await expectNoStateMoved(dst);
    const s = await migrateOk(uri, ['--auth-secret-file', secret]);
    expect(s.verified).toBe(true);
    expect((await dst.exited).code).toBe(0);
  });

  it('a destination without a secret refuses a source that wants to authenticate', async () => {
    const secret = file('secret3', 'only the source has it');
    const { d: dst, uri } = await startDestination([...DEVICES, ...CAPS, '--control', '127.0.0.1:0']);
    const src = startSource([...MACHINE, ...CAPS, '--auth-secret-file', secret, '--migrate-to', uri]);
    expect((await src.exited).code).toBe(1);
    expect(src.summary()['error-desc']).toMatch(/this destination has no --auth-secret-file/);
    await expectNoStateMoved(dst);
  });

  it('a raw client that answers the challenge wrongly and pushes sections anyway loads nothing', async () => {
    const secret = file('secret4', 'raw client test');
    const { d: dst, port } = await startDestination([...DEVICES, ...CAPS, '--auth-secret-file', secret, '--control', '127.0.0.1:0']);
    const stream = buildStream(SPECS, { returnPath: true, switchoverAck: true, verify: true });
    const header = Buffer.concat(encodeFrame({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION, authNonce: createNonce() } }));
    const answer = Buffer.concat(encodeFrame({ authResponse: { mac: Buffer.alloc(32, 0xab) } }));
    const replies: string[] = [];
    await new Promise<void>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      const rp = createReturnPathDecoder();
      socket.on('data', (c: Buffer) => {
        for (const f of rp.push(c)) replies.push(f.message.body === 'shut' ? `shut:${f.message.shut?.reason}` : String(f.message.body));
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve());
      socket.on('connect', () => {
        socket.write(header);
        socket.write(answer);
        for (const f of stream.frames.slice(1)) socket.write(f);
        socket.end();
      });
    });
    expect(replies[0]).toBe('authChallenge');
    expect(replies[1]).toMatch(/^shut:authentication failed: the source's answer does not match/);
    await expectNoStateMoved(dst);
  });
});

describe('control API exposure and token', () => {
  it('refuses to serve the control API on a non-loopback address without a token (exit 2)', async () => {
    for (const args of [['--control', '0.0.0.0:0'], ['--qmp', '0.0.0.0:0']]) {
      const src = startSource([...MACHINE, ...args]);
      expect((await src.exited).code).toBe(2);
      expect(src.stderrText).toMatch(/non-loopback address only with --control-token-file/);
    }
    const dst = startSource([...MACHINE, '--control-token-file', join(dir, 'missing-token')]);
    expect((await dst.exited).code).toBe(2);
    expect(dst.stderrText).toMatch(/--control-token-file '.*missing-token': cannot read the file \(ENOENT\)/);
    const half = startSource([...MACHINE, '--tls-cert', certs.source.cert]);
    expect((await half.exited).code).toBe(2);
    expect(half.stderrText).toMatch(/missing --tls-key, --tls-ca/);
  });

  it('with a token, WebSocket clients must present it (Bearer header or ?token=)', async () => {
    const token = file('token', 's3cr3t-t0ken\n');
    const src = startSource([...MACHINE, '--control', '127.0.0.1:0', '--control-token-file', token]);
    const address = await controlAddress(src);
    await expect(QmpWsClient.connect(address)).rejects.toThrow(/401/);
    await expect(QmpWsClient.connect(address, true, { headers: { Authorization: 'Bearer nope' } })).rejects.toThrow(/401/);
    const viaHeader = await QmpWsClient.connect(address, true, { headers: { Authorization: 'Bearer s3cr3t-t0ken' } });
    expect((await viaHeader.call('query-status')).status).toBe('running');
    viaHeader.close();
    const viaQuery = await QmpWsClient.connect(address, true, { path: '/?token=s3cr3t-t0ken' });
    expect((await viaQuery.call('query-status')).status).toBe('running');
    viaQuery.close();
  });

  it('a plain QMP socket on loopback keeps working without a token (existing QMP clients)', async () => {
    const token = file('token2', 'another-token');
    const src = startSource([...MACHINE, '--qmp', '127.0.0.1:0', '--control-token-file', token]);
    const line = await src.waitMsg('QMP socket listening');
    const [host, port] = String(line.address).split(':');
    const replies: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const s = connect({ host: host!, port: Number(port) });
      let buf = '';
      s.setEncoding('utf8');
      s.on('error', reject);
      s.on('data', (t: string) => {
        buf += t;
        const lines = buf.split('\r\n');
        buf = lines.pop()!;
        replies.push(...lines);
        if (replies.length === 1) s.write('{"execute":"qmp_capabilities"}\n{"execute":"query-status","id":1}\n');
        if (replies.length >= 3) {
          s.end();
          resolve();
        }
      });
    });
    expect(JSON.parse(replies[1]!)).toEqual({ return: {} });
    expect(JSON.parse(replies[2]!).return.status).toBe('running');
  });
});

/** A WebSocket upgrade to the control API with these headers: the HTTP status, and the QMP greeting if it was accepted. */
function upgrade(address: string, headers: Record<string, string>): Promise<{ status: number; greeting: Record<string, unknown> | null }> {
  const ws = new WebSocket(`ws://${address}/`, { headers });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (req, res) => {
      res.resume();
      res.once('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, greeting: null });
      });
    });
    ws.once('message', (data) => {
      ws.close();
      resolve({ status: 101, greeting: JSON.parse(data.toString()) as Record<string, unknown> });
    });
    ws.once('error', reject);
  });
}

describe('control API browser origins (cross-site WebSocket hijacking)', () => {
  const REFUSED = 'control client refused: browser origin or Host not allowed';

  it('refuses a foreign Origin (403, no greeting, logged); its own origin, a local peer page and non-browser clients get in', async () => {
    const src = startSource([...MACHINE, '--control', '127.0.0.1:0']);
    const address = await controlAddress(src);
    const port = address.split(':')[1]!;

    for (const origin of ['https://evil.example', `http://evil.example:${port}`, 'null', 'file://']) {
      expect(await upgrade(address, { Origin: origin }), origin).toEqual({ status: 403, greeting: null });
    }
    const warned = await src.waitMsg(REFUSED);
    expect(warned).toMatchObject({ level: 40, channel: 'control', origin: 'https://evil.example', refusal: 'origin-foreign', host: address });
    // Log lines travel on stderr, apart from the HTTP answers: wait for the last one.
    await src.waitLog((l) => l.msg === REFUSED && l.origin === 'file://');
    expect(src.logs.filter((l) => l.msg === REFUSED).map((l) => l.origin)).toEqual(['https://evil.example', `http://evil.example:${port}`, 'null', 'file://']);

    // The live view served by this port; the other daemon's live view on loopback (?peer=); ws/livemig-ctl with no Origin.
    const allowed: Array<Record<string, string>> = [{ Origin: `http://${address}` }, { Origin: `http://localhost:${port}`, Host: `localhost:${port}` }, { Origin: 'http://127.0.0.1:1' }, {}];
    for (const headers of allowed) {
      const r = await upgrade(address, headers);
      expect(r.status, JSON.stringify(headers)).toBe(101);
      expect(r.greeting).toHaveProperty('QMP');
    }
    // DNS rebinding: a hostile name pointed at 127.0.0.1 would look "same origin"; the Host is not an IP or localhost.
    expect(await upgrade(address, { Origin: `http://evil.example:${port}`, Host: `evil.example:${port}` })).toEqual({ status: 403, greeting: null });
    expect(await src.waitLog((l) => l.msg === REFUSED && l.refusal === 'host-not-literal')).toMatchObject({ origin: `http://evil.example:${port}`, host: `evil.example:${port}` });

    // None of it touched the machine; the page's files carry anti-framing headers.
    const q = await QmpWsClient.connect(address);
    expect((await q.call('query-status')).status).toBe('running');
    q.close();
    const page = await fetch(`http://${address}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('with a token, the Origin check applies too: a foreign page with the token gets 403, its own page without it 401', async () => {
    const token = file('token3', 'origin-token');
    const src = startSource([...MACHINE, '--control', '127.0.0.1:0', '--control-token-file', token]);
    const address = await controlAddress(src);
    expect(await upgrade(address, { Origin: 'https://evil.example', Authorization: 'Bearer origin-token' })).toEqual({ status: 403, greeting: null });
    expect((await upgrade(address, { Origin: `http://${address}` })).status).toBe(401);
    const ok = await upgrade(address, { Origin: `http://${address}`, Authorization: 'Bearer origin-token' });
    expect(ok.greeting).toHaveProperty('QMP');
  });
});
