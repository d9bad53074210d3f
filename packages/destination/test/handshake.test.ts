/**
 * A connection in its handshake owns nothing: whatever it does, the machine's
 * devices are never called; a frame with a payload is refused as soon as its
 * header says so (nothing buffered); the source's nonce is copied out of the
 * receive buffer it arrived in; and a daemon-side probe subscriber sees the
 * handshake's points without the production path knowing about faults.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { MAX_ABANDONED_IDS, STREAM_MAGIC, STREAM_VERSION, createReturnPathDecoder, encodeFrame, encodeFrameHeader, type FrameMessage } from '@livemig/common/wire';
import { authProof, createNonce } from '@livemig/common/control';
import { Machine, parseDeviceList, parseWorkloadSpec } from '@livemig/common/devices';
import { challengeFor } from '../src/destination-auth';
import { Handshake, type HandshakeOwner } from '../src/handshake';
import { loadPointChannel, type LoadPointMessage } from '../src/probes';
import { FakeSocket } from '../../../test/helpers/fake-socket';

const log = pino({ level: 'silent' });
const f = (frame: FrameMessage): Buffer => Buffer.concat(encodeFrame(frame));

function owner(over: Partial<HandshakeOwner> = {}): HandshakeOwner {
  return {
    authSecret: null,
    limitMs: () => 10_000,
    checkConfiguration: () => undefined,
    claim: () => null,
    accepted: () => undefined,
    channel: () => 'no channels here',
    recoverBegins: () => 'nothing paused here',
    resumed: () => undefined,
    abandoned: () => undefined,
    ended: () => undefined,
    ...over,
  };
}

describe('Handshake', () => {
  it('refuses a frame with a payload before buffering it, and never reaches a device', async () => {
    const machine = new Machine(parseDeviceList(['ram,id=ram0,size=64K', 'accel,id=accel0,resources=1,resource-size=64K,alloc-ms=0,initial-size=4K']), parseWorkloadSpec('dirty-rate=0'), 'destination');
    const touched: string[] = [];
    for (const d of machine.devices) {
      d.loadCleanup = () => void touched.push(`${d.id}.loadCleanup`);
      d.loadSetup = () => void touched.push(`${d.id}.loadSetup`);
    }
    const sock = new FakeSocket();
    let endedCalls = 0;
    const h = new Handshake(sock.asSocket(), null, 'test', owner({ ended: () => void endedCalls++ }), log);
    h.start();
    sock.feed(f({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION } }));
    // A 16 MiB "configuration" payload is announced; only its header is sent.
    sock.feed(encodeFrameHeader({ configuration: {} }, 16 * 1024 * 1024));
    await tick();
    expect(h.phase).toBe('refused');
    expect(h.error?.message).toMatch(/'configuration' frame with a 16777216-byte payload during the handshake \(config\)/);
    expect(endedCalls).toBe(1);
    sock.hangUp();
    expect(touched).toEqual([]);
    expect(machine.runState).toBe('inmigrate');
    machine.close();
  });

  it('a probe subscriber sees accept and header, and can end the handshake from outside', async () => {
    const seen: string[] = [];
    const onPoint = (m: unknown): void => {
      const msg = m as LoadPointMessage;
      seen.push(msg.point);
      if (msg.point === 'header') msg.fail(new Error('from outside') as never);
    };
    loadPointChannel.subscribe(onPoint);
    try {
      const sock = new FakeSocket();
      const h = new Handshake(sock.asSocket(), null, 'test', owner(), log);
      h.start();
      sock.feed(f({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION } }));
      await tick();
      expect(seen).toEqual(['accept', 'header']);
      expect(h.phase).toBe('refused');
    } finally {
      loadPointChannel.unsubscribe(onPoint);
    }
  });
});

describe('Handshake: a connection resuming a paused migration (precopy-resume)', () => {
  const id = Buffer.alloc(16, 7);
  it('a header naming the paused migration goes straight to it (no configuration), after the owner took it', async () => {
    const calls: string[] = [];
    const sock = new FakeSocket();
    const h = new Handshake(
      sock.asSocket(),
      null,
      'test',
      owner({
        recoverBegins: (_h, mid) => (calls.push(`begins:${mid.equals(id)}`), null),
        resumed: () => void calls.push('resumed'),
        ended: () => void calls.push('ended'),
        accepted: () => void calls.push('accepted'),
      }),
      log,
    );
    h.start();
    sock.feed(f({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION, resume: { migrationId: id } } }));
    await tick();
    expect(h.phase).toBe('resumed');
    expect(calls).toEqual(['begins:true', 'ended', 'resumed']);
  });

  it('is refused when the owner has nothing to resume, or when the secret is missing; nothing is handed on', async () => {
    for (const [over, why] of [
      [{ recoverBegins: () => 'no incoming migration here is the one this connection resumes' }, /no incoming migration here is the one/],
      [{ recoverBegins: () => null, authSecret: Buffer.from('a-secret-of-some-length') }, /authentication required/],
    ] as const) {
      let resumed = 0;
      const sock = new FakeSocket();
      const h = new Handshake(sock.asSocket(), null, 'test', owner({ ...over, resumed: () => void resumed++ }), log);
      h.start();
      sock.feed(f({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION, resume: { migrationId: id } } }));
      await tick();
      expect(h.phase).toBe('refused');
      expect(h.error?.message).toMatch(why);
      expect(resumed).toBe(0);
    }
  });
});

describe('Handshake: a new migration naming migrations its source abandoned', () => {
  const old = Buffer.alloc(16, 9);
  const secret = Buffer.from('a-secret-of-some-length');
  const header = (extra: Partial<FrameMessage['header']> = {}): Buffer => f({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION, abandons: [old], ...extra } });

  /** The challenge the handshake sent back (the only return-path frame before a proof). */
  function challengeOf(sock: FakeSocket): { nonce: Uint8Array; mac: Uint8Array } {
    const rp = createReturnPathDecoder();
    for (const chunk of sock.written) {
      for (const m of rp.push(chunk)) if (m.message.body === 'authChallenge') return m.message.authChallenge as { nonce: Uint8Array; mac: Uint8Array };
    }
    throw new Error('no challenge sent');
  }

  it('without a secret: the owner hears the ids at the header, then the configuration goes on as usual', async () => {
    const calls: string[] = [];
    const sock = new FakeSocket();
    const h = new Handshake(sock.asSocket(), null, 'test', owner({ abandoned: (_h, ids) => void calls.push(`abandoned:${ids.length}:${ids[0]!.equals(old)}`), accepted: () => void calls.push('accepted') }), log);
    h.start();
    sock.feed(header());
    await tick();
    expect(calls).toEqual(['abandoned:1:true']);
    expect(h.phase).toBe('config');
    sock.feed(f({ configuration: { devices: [] } }));
    await tick();
    expect(calls).toEqual(['abandoned:1:true', 'accepted']);
  });

  it('with a secret: only after a valid proof; a missing or wrong proof discards nothing', async () => {
    for (const proof of ['none', 'wrong', 'right'] as const) {
      const calls: string[] = [];
      const sock = new FakeSocket();
      const h = new Handshake(sock.asSocket(), null, 'test', owner({ authSecret: secret, abandoned: () => void calls.push('abandoned') }), log);
      h.start();
      const nonce = createNonce();
      sock.feed(header(proof === 'none' ? {} : { authNonce: nonce }));
      await tick();
      expect(calls).toEqual([]);
      if (proof === 'none') {
        expect(h.error?.message).toMatch(/authentication required/);
        continue;
      }
      const challenge = challengeOf(sock);
      const mac = proof === 'right' ? authProof(secret, 'source', nonce, challenge.nonce) : authProof(Buffer.from('another secret'), 'source', nonce, challenge.nonce);
      sock.feed(f({ authResponse: { mac } }));
      await tick();
      if (proof === 'wrong') {
        expect(h.error?.message).toMatch(/authentication failed/);
        expect(calls).toEqual([]);
      } else {
        expect(calls).toEqual(['abandoned']);
        expect(h.phase).toBe('config');
      }
    }
  });

  it('refuses a resume header that also abandons, and more ids than a source sends; the owner hears nothing', async () => {
    for (const [extra, why] of [
      [{ resume: { migrationId: old } }, /only a new migration does/],
      [{ abandons: Array.from({ length: MAX_ABANDONED_IDS + 1 }, () => old) }, /at most/],
    ] as const) {
      const calls: string[] = [];
      const sock = new FakeSocket();
      const h = new Handshake(sock.asSocket(), null, 'test', owner({ recoverBegins: () => null, abandoned: () => void calls.push('abandoned'), resumed: () => void calls.push('resumed') }), log);
      h.start();
      sock.feed(header(extra));
      await tick();
      expect(h.phase).toBe('refused');
      expect(h.error?.message).toMatch(why);
      expect(calls).toEqual([]);
    }
  });
});

describe('challengeFor', () => {
  it('copies the source nonce out of the buffer it was decoded from', () => {
    const pooled = Buffer.alloc(64);
    const nonce = createNonce();
    nonce.copy(pooled, 16);
    const view = pooled.subarray(16, 16 + nonce.length);
    const auth = challengeFor(Buffer.from('k'), view)!;
    pooled.fill(0); // the next read reuses the pool buffer
    expect(auth.pending.sourceNonce.equals(nonce)).toBe(true);
  });
});
