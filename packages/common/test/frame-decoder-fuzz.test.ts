/**
 * Seeded fuzz of the pure frame decoders (both directions): whatever bytes
 * arrive, in whatever chunks, the decoder returns frames or throws a MigError
 * (ProtocolError / FrameTooLargeError) — never another exception — and never
 * buffers more than one maximal frame; a valid stream decodes to the same
 * frames at every split point, byte-at-a-time included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MigError } from '@livemig/common/errors';
import {
  FRAME_PREFIX_BYTES,
  MAX_HEADER_BYTES,
  MAX_PAYLOAD_BYTES,
  MAX_RP_HEADER_BYTES,
  createReturnPathDecoder,
  createStreamDecoder,
  encodeRpMessage,
  type FrameDecoder,
} from '@livemig/common/wire';
import { buildStream, mutate, type Mutation } from '../../../test/helpers/stream-builder';

const SPECS = ['ram,id=ram0,size=64K,fill=pattern', 'accel,id=accel0,resources=1,resource-size=64K,initial-size=4K,state-size=4K', 'cpu,id=cpu0,vcpus=1'];
const valid = buildStream(SPECS, { returnPath: true, switchoverAck: true, verify: true });
const validBytes = Buffer.concat(valid.frames);

function splitAt(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

/**
 * Feeds chunks; returns the number of frames, or the MigError that stopped it.
 * Any other throw fails the test. Checks what came out against what went in:
 * each frame is exactly the next bytes of the input (its prefix names its
 * header's length, its payload is the bytes after the header), and after every
 * push the decoder holds at most the bytes past the last whole frame — never a
 * byte of a frame it returned (the buffering bound that means something for a
 * stream far smaller than one maximal frame) and never more than `maxFrame`.
 */
function feed<T>(decoder: FrameDecoder<T>, chunks: readonly Buffer[], maxFrame: number): { frames: number; consumed: number; error: MigError | null } {
  const input = Buffer.concat(chunks);
  let frames = 0;
  let pushed = 0;
  let consumed = 0;
  try {
    for (const c of chunks) {
      pushed += c.length;
      const out = decoder.push(c);
      for (const f of out) {
        // Plain checks in the loop (expect() per frame would dominate the run time).
        const headerLength = input.readUInt32BE(consumed);
        const end = consumed + f.wireBytes;
        let payloadBytes = 0;
        for (const p of f.payload) payloadBytes += p.length;
        if (f.wireBytes !== FRAME_PREFIX_BYTES + headerLength + f.payloadLength || f.inPlace || payloadBytes !== f.payloadLength || end > pushed) {
          expect.fail(`frame ${frames}: ${f.wireBytes} wire bytes, prefix says header ${headerLength}, payload ${f.payloadLength} (${payloadBytes} in slices), ends at ${end} of ${pushed} pushed`);
        }
        let at = end - f.payloadLength;
        for (const p of f.payload) {
          if (!p.equals(input.subarray(at, at + p.length))) expect.fail(`frame ${frames}: payload differs from the input bytes it came from`);
          at += p.length;
        }
        consumed = end;
        frames++;
      }
      // At most the bytes past the last whole frame (less, once it has read a
      // prefix or header: it keeps the decoded length or message).
      if (decoder.pendingBytes > pushed - consumed || decoder.pendingBytes > maxFrame) {
        expect.fail(`decoder holds ${decoder.pendingBytes} bytes; ${pushed - consumed} are past the last whole frame (max frame ${maxFrame})`);
      }
    }
    return { frames, consumed, error: null };
  } catch (err) {
    if (!(err instanceof MigError)) throw err;
    return { frames, consumed, error: err };
  }
}

const STREAM_MAX = FRAME_PREFIX_BYTES + MAX_HEADER_BYTES + MAX_PAYLOAD_BYTES;

describe('frame decoder fuzz', () => {
  it('a valid stream decodes to the same frames at any split points', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        const r = feed(createStreamDecoder(), splitAt(validBytes, cuts), STREAM_MAX);
        expect(r.error).toBeNull();
        expect(r.frames).toBe(valid.frames.length);
        expect(r.consumed).toBe(validBytes.length);
      }),
      { numRuns: 500, seed: 101 },
    );
  });

  it('a valid stream decodes byte at a time, payloads intact', () => {
    const bytes = Buffer.concat(valid.frames.slice(0, 12));
    const payloads = (chunks: Buffer[]): Buffer => {
      const d = createStreamDecoder();
      return Buffer.concat(chunks.flatMap((c) => d.push(c).flatMap((f) => f.payload)));
    };
    const whole = payloads([bytes]);
    expect(whole.length).toBeGreaterThan(64 * 1024);
    const oneByOne = payloads(Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1)));
    expect(oneByOne.equals(whole)).toBe(true);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 10 }), (sizes) => {
        const chunks: Buffer[] = [];
        for (let off = 0, i = 0; off < bytes.length; off += sizes[i++ % sizes.length]!) chunks.push(bytes.subarray(off, off + sizes[i % sizes.length]!));
        expect(payloads(chunks).equals(whole)).toBe(true);
      }),
      { numRuns: 200, seed: 104 },
    );
  });

  it('mutated streams: frames or a MigError, bounded buffering', () => {
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('garbage' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
      fc.record({ kind: fc.constant('length' as const), index: fc.nat(), value: fc.nat() }),
      fc.record({ kind: fc.constant('swap-frames' as const), a: fc.nat(), b: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 20 }), (mutations, cuts) => {
        feed(createStreamDecoder(), splitAt(mutate(valid.frames, mutations), cuts), STREAM_MAX);
      }),
      { numRuns: 2000, seed: 102 },
    );
  });

  it('random bytes, both directions: frames or a MigError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.array(fc.nat(), { maxLength: 16 }), (bytes, cuts) => {
        const chunks = splitAt(Buffer.from(bytes), cuts);
        feed(createStreamDecoder(), chunks, STREAM_MAX);
        feed(createReturnPathDecoder(), chunks, FRAME_PREFIX_BYTES + MAX_RP_HEADER_BYTES);
      }),
      { numRuns: 2000, seed: 103 },
    );
  });

  it('rejects an oversized length as soon as the prefix is read, before buffering a body', () => {
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(MAX_HEADER_BYTES + 1, 0);
    expect(() => createStreamDecoder().push(prefix)).toThrow(/exceeds the maximum of/);
    prefix.writeUInt32BE(MAX_RP_HEADER_BYTES + 1, 0);
    expect(() => createReturnPathDecoder().push(prefix)).toThrow(/return path: frame header of \d+ bytes exceeds/);
    const rp = encodeRpMessage({ pong: { value: 7 } });
    expect(feed(createReturnPathDecoder(), [rp, rp], FRAME_PREFIX_BYTES + MAX_RP_HEADER_BYTES)).toEqual({ frames: 2, consumed: 2 * rp.length, error: null });
  });
});
