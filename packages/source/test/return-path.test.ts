/**
 * The source validates what comes back on the return path (unknown types, bad
 * lengths, messages out of order or not allowed by the capabilities), and the
 * keepalive bookkeeping behind stall-timeout.
 */
import { describe, expect, it } from 'vitest';
import { MigError } from '@livemig/common/errors';
import { MAX_RP_HEADER_BYTES, encodeRpMessage, type RpMessage } from '@livemig/common/wire';
import { ReturnPathReader, type ReturnPathExpectations, type ReturnPathSink } from '../src/return-path-reader';
import { Keepalive } from '../src/keepalive';

function reader(expect: Partial<ReturnPathExpectations> = {}): { r: ReturnPathReader; calls: string[]; errors: MigError[] } {
  const calls: string[] = [];
  const errors: MigError[] = [];
  const sink: ReturnPathSink = {
    authChallenge: () => calls.push('authChallenge'),
    configAccepted: () => calls.push('configAccepted'),
    pong: (v) => calls.push(`pong:${v}`),
    switchoverAck: () => calls.push('ack'),
    deviceApproved: (id) => calls.push(`approved:${id}`),
    loaded: () => calls.push('loaded'),
    resumed: () => calls.push('resumed'),
    recvBitmap: (piece) => calls.push(`recvBitmap:${piece.deviceId ?? ''}`),
    resumeAck: (n) => calls.push(`resumeAck:${n}`),
    shutOk: () => calls.push('shutOk'),
    error: (e) => errors.push(e),
  };
  return { r: new ReturnPathReader(sink, { returnPath: true, switchoverAck: true, auth: false, ...expect }), calls, errors };
}
const rp = (m: RpMessage): Buffer => encodeRpMessage(m);
/** The destination's acceptance of the configuration: first, before anything but a challenge or a refusal. */
const ACCEPTED = rp({ configAccepted: {} });

describe('ReturnPathReader', () => {
  it('passes valid messages on, split anywhere', () => {
    const { r, calls, errors } = reader();
    const bytes = Buffer.concat([ACCEPTED, rp({ pong: { value: 1 } }), rp({ deviceApproved: { deviceId: 'accel0', ms: 3 } }), rp({ switchoverAck: {} }), rp({ loaded: { verified: true } }), rp({ resumed: {} }), rp({ shut: { ok: true } })]);
    for (let i = 0; i < bytes.length; i += 3) r.push(bytes.subarray(i, i + 3));
    expect(errors).toEqual([]);
    expect(calls).toEqual(['configAccepted', 'pong:1', 'approved:accel0', 'ack', 'loaded', 'resumed', 'shutOk']);
  });

  it('precopy-resume: a resuming connection takes the challenge, held-state reports and RESUME_ACK, then the usual messages', () => {
    const { r, calls, errors } = reader({ resume: true, auth: true });
    const bytes = Buffer.concat([
      rp({ authChallenge: { nonce: Buffer.alloc(32), mac: Buffer.alloc(32) } }),
      rp({ recvBitmap: { deviceId: 'ram0', data: Buffer.from([1]), last: true } }),
      rp({ recvBitmap: { deviceId: 'kv0', none: true, last: true } }),
      rp({ resumeAck: { resumes: 2 } }),
      rp({ deviceApproved: { deviceId: 'accel0', ms: 3 } }),
      rp({ switchoverAck: {} }),
      rp({ pong: { value: 1 } }),
    ]);
    for (let i = 0; i < bytes.length; i += 5) r.push(bytes.subarray(i, i + 5));
    expect(errors).toEqual([]);
    expect(calls).toEqual(['authChallenge', 'recvBitmap:ram0', 'recvBitmap:kv0', 'resumeAck:2', 'approved:accel0', 'ack', 'pong:1']);
  });

  const bad: Array<[string, Partial<ReturnPathExpectations>, Buffer[], RegExp, string]> = [
    ['unknown message type', {}, [Buffer.from([0, 0, 0, 2, 0x70, 0x01])], /unknown message type 'unknown'/, 'MIG_ERR_PROTOCOL'],
    ['length over the maximum', {}, [Buffer.from([0, 0, 0x10, 0x01])], new RegExp(`return path: frame header of 4097 bytes exceeds the maximum of ${MAX_RP_HEADER_BYTES}`), 'MIG_ERR_FRAME_TOO_LARGE'],
    ['empty frame', {}, [Buffer.from([0, 0, 0, 0])], /return path: empty frame header/, 'MIG_ERR_PROTOCOL'],
    ['garbage header', {}, [Buffer.from([0, 0, 0, 2, 0xff, 0xff])], /return path: malformed frame header/, 'MIG_ERR_PROTOCOL'],
    ['ack with switchover-ack off', { switchoverAck: false }, [ACCEPTED, rp({ switchoverAck: {} })], /SWITCHOVER_ACK but switchover-ack is off/, 'MIG_ERR_PROTOCOL'],
    ['second ack', {}, [ACCEPTED, rp({ switchoverAck: {} }), rp({ switchoverAck: {} })], /second SWITCHOVER_ACK/, 'MIG_ERR_PROTOCOL'],
    ['anything but SHUT without return path', { returnPath: false, switchoverAck: false }, [ACCEPTED, rp({ pong: { value: 1 } })], /'pong' message but return-path is off/, 'MIG_ERR_PROTOCOL'],
    ['RESUMED before LOADED', {}, [ACCEPTED, rp({ resumed: {} })], /RESUMED before LOADED/, 'MIG_ERR_PROTOCOL'],
    ['a message after SHUT', {}, [rp({ shut: { ok: true } }), rp({ pong: { value: 1 } })], /'pong' message after SHUT/, 'MIG_ERR_PROTOCOL'],
    ['a challenge nobody asked for', {}, [rp({ authChallenge: { nonce: Buffer.alloc(32) } })], /authentication challenge, but this source has no --auth-secret-file/, 'MIG_ERR_PROTOCOL'],
    ['anything before the challenge', { auth: true }, [rp({ pong: { value: 1 } })], /'pong' message before the authentication challenge/, 'MIG_ERR_PROTOCOL'],
    ['anything before the destination accepted the configuration', {}, [rp({ pong: { value: 1 } })], /'pong' message before the destination accepted the configuration/, 'MIG_ERR_PROTOCOL'],
    ['a second CONFIG_ACCEPTED', {}, [ACCEPTED, ACCEPTED], /second CONFIG_ACCEPTED/, 'MIG_ERR_PROTOCOL'],
    ['the destination refuses', {}, [rp({ shut: { ok: false, code: 'MIG_ERR_CONFIG_MISMATCH', reason: 'configuration mismatch: x' } })], /destination failed: configuration mismatch: x/, 'MIG_ERR_PEER'],
    ['a held-state report outside a resume', {}, [ACCEPTED, rp({ recvBitmap: { deviceId: 'ram0', none: true, last: true } })], /'recvBitmap' message outside a resume/, 'MIG_ERR_PROTOCOL'],
    ['CONFIG_ACCEPTED on a resuming connection', { resume: true }, [ACCEPTED], /'configAccepted' message before the destination acknowledged the resume/, 'MIG_ERR_PROTOCOL'],
    ['a pong before RESUME_ACK', { resume: true }, [rp({ pong: { value: 1 } })], /'pong' message before the destination acknowledged the resume/, 'MIG_ERR_PROTOCOL'],
  ];
  for (const [name, caps, chunks, error, code] of bad) {
    it(`fails on ${name}`, () => {
      const { r, errors } = reader(caps);
      for (const c of chunks) r.push(c);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toMatch(error);
      expect(errors[0]!.code).toBe(code);
      // Fatal once: nothing more is read.
      r.push(rp({ pong: { value: 9 } }));
      expect(errors).toHaveLength(1);
    });
  }
});

describe('Keepalive', () => {
  it('PONGs must answer the open PINGs in order', () => {
    const k = new Keepalive(0);
    expect(k.nextPing()).toBe(1);
    expect(k.nextPing()).toBe(2);
    expect(k.answered(1)).toBe(false);
    k.pong(1);
    expect(k.answered(1)).toBe(true);
    expect(k.answered(2)).toBe(false);
    expect(() => k.pong(3)).toThrow(/PONG 3 out of order \(expected 2\)/);
    expect(k.answered(2)).toBe(false);
    expect(() => k.pong(4)).toThrow(/PONG 4 but no PING is open/);
  });

  it('with return path: silent for longer than stall-timeout is a stall; traffic resets it', () => {
    const k = new Keepalive(0);
    const s = { returnPath: true, flushed: 0, pending: 0, awaitingPeer: false };
    expect(k.tick(250, 1000, s)).toBeNull();
    k.received(400);
    for (let t = 500; t <= 1400; t += 250) expect(k.tick(t, 1000, s)).toBeNull();
    expect(k.tick(1650, 1000, s)).toBe(1250);
    expect(k.tick(1900, 0, s)).toBeNull(); // 0 = off
  });

  it('with return path: a draining backlog is a sign of life, PINGs alone taken by the kernel are not', () => {
    const k = new Keepalive(0);
    const s = (flushed: number, pending: number) => ({ returnPath: true, flushed, pending, awaitingPeer: false });
    for (let t = 250, f = 0; t <= 3000; t += 250, f += 1e6) expect(k.tick(t, 1000, s(f, 8e6))).toBeNull(); // slow link, PONGs queued behind data
    const p = new Keepalive(0);
    for (let t = 250, f = 0; t <= 1000; t += 250, f += 12) expect(p.tick(t, 1000, s(f, 0))).toBeNull();
    expect(p.tick(1250, 1000, s(60, 0))).toBe(1250); // only PINGs went out, no PONG came back
  });

  it('without return path: write progress or nothing to write is a sign of life, unless waiting for an answer', () => {
    const k = new Keepalive(0);
    const s = (flushed: number, pending: number, awaitingPeer = false) => ({ returnPath: false, flushed, pending, awaitingPeer });
    for (let t = 250; t <= 2000; t += 250) expect(k.tick(t, 1000, s(t, 100))).toBeNull(); // progressing
    for (let t = 2250; t <= 3000; t += 250) expect(k.tick(t, 1000, s(2000, 0))).toBeNull(); // nothing pending
    expect(k.tick(3250, 1000, s(2000, 100))).toBeNull();
    expect(k.tick(4250, 1000, s(2000, 100))).toBeNull(); // a late tick: this process was stalled, fresh window
    expect(k.tick(4500, 1000, s(2000, 100))).toBeNull();
    expect(k.tick(4750, 1000, s(2000, 100))).toBeNull();
    expect(k.tick(5000, 1000, s(2000, 100))).toBeNull();
    expect(k.tick(5300, 1000, s(2000, 100))).toBe(1050); // stuck writes
    const w = new Keepalive(0);
    for (let t = 250; t <= 1000; t += 250) expect(w.tick(t, 1000, s(0, 0, true))).toBeNull();
    expect(w.tick(1250, 1000, s(0, 0, true))).toBe(1250); // waiting for SHUT/challenge: only the peer counts
  });
});
