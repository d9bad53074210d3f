/**
 * The frame decoder's edges, with exact figures: bytes pending and the frame
 * boundary, the wire size of each frame, the limits at exactly the maximum,
 * small chunks gathered into shared tail buffers (a payload trickled in tiny
 * chunks comes out as one slice; a large chunk is kept as it is), direct reads
 * (minimum size, no region while bytes are buffered or paused, overruns), and
 * sink regions spanning several buffers.
 */
import { describe, expect, it } from 'vitest';
import { FrameTooLargeError, ProtocolError } from '../src/errors';
import { type DecodedFrame } from '../src/wire/frame-decoder';
import { createReturnPathDecoder, createStreamDecoder } from '../src/wire/codecs';
import { encodeFrame, encodeFrameHeader, encodeRpMessage } from '../src/wire/frame-encoder';
import { livemig } from '../src/wire/messages';
import { MAX_HEADER_BYTES, MAX_PAYLOAD_BYTES, MAX_RP_HEADER_BYTES } from '../src/constants';
import { decoder, frame, type Msg } from './helpers/test-framing';


const bytes = (n: number, seed = 1): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff));

describe('FrameDecoder bookkeeping', () => {
  it('pendingBytes and atFrameBoundary follow every byte', () => {
    const d = decoder();
    const f = frame(1, bytes(10));
    expect(d.pendingBytes).toBe(0);
    expect(d.atFrameBoundary).toBe(true);
    expect(d.push(f.subarray(0, 2))).toEqual([]);
    expect(d.pendingBytes).toBe(2);
    expect(d.atFrameBoundary).toBe(false);
    d.push(f.subarray(2, 4)); // the prefix is complete: consumed
    expect(d.pendingBytes).toBe(0);
    expect(d.atFrameBoundary).toBe(false); // inside a frame, nothing buffered
    d.push(f.subarray(4, 9)); // header "1,10" (4 bytes) + 1 payload byte
    expect(d.pendingBytes).toBe(1);
    const out = d.push(f.subarray(9));
    expect(out).toHaveLength(1);
    expect(d.pendingBytes).toBe(0);
    expect(d.atFrameBoundary).toBe(true);
    // An empty chunk changes nothing.
    expect(d.push(Buffer.alloc(0))).toEqual([]);
    expect(d.pendingBytes).toBe(0);
  });

  it('each frame says how many bytes it took on the wire; a payload-less frame has no payload', () => {
    const d = decoder();
    const a = frame(1, bytes(5));
    const b = frame(22, Buffer.alloc(0));
    const out = d.push(Buffer.concat([a, b]));
    expect(out.map((f) => f.wireBytes)).toEqual([a.length, b.length]);
    expect(out.map((f) => f.payloadLength)).toEqual([5, 0]);
    expect(out[1]!.payload).toEqual([]);
    expect(out.map((f) => f.inPlace)).toEqual([false, false]);
  });

  it('a header at exactly the maximum is taken; one byte more is refused when its length is read', () => {
    const ok = decoder({ maxHeaderBytes: 4 });
    expect(ok.push(frame(1, bytes(10)))).toHaveLength(1); // "1,10" is 4 bytes
    const big = decoder({ maxHeaderBytes: 3 });
    const f = frame(1, bytes(10));
    expect(() => big.push(f.subarray(0, 4))).toThrow(FrameTooLargeError);
    expect(() => decoder({ maxHeaderBytes: 3 }).push(f.subarray(0, 4))).toThrow('test stream: frame header of 4 bytes exceeds the maximum of 3');
  });

  it('a payload at exactly the maximum is taken; one byte more is refused before it is buffered', () => {
    expect(decoder({ maxPayloadBytes: 10 }).push(frame(1, bytes(10)))).toHaveLength(1);
    const d = decoder({ maxPayloadBytes: 9 });
    const f = frame(1, bytes(10));
    expect(() => d.push(f.subarray(0, 8))).toThrow('test stream: frame payload of 10 bytes exceeds the maximum of 9');
  });

  it('an empty header and a header its decoder refuses are protocol errors naming the stream', () => {
    expect(() => decoder().push(Buffer.from([0, 0, 0, 0]))).toThrow(ProtocolError);
    expect(() => decoder().push(Buffer.from([0, 0, 0, 0]))).toThrow('test stream: empty frame header');
    const bad = Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('x,y')]);
    expect(() => decoder().push(bad)).toThrow("test stream: malformed frame header (bad header 'x,y')");
  });

  it('the real codecs: limits and names per direction', () => {
    const rp = createReturnPathDecoder();
    const over = Buffer.alloc(4);
    over.writeUInt32BE(MAX_RP_HEADER_BYTES + 1);
    expect(() => rp.push(over)).toThrow(`return path: frame header of ${MAX_RP_HEADER_BYTES + 1} bytes exceeds the maximum of ${MAX_RP_HEADER_BYTES}`);
    const at = Buffer.alloc(4);
    at.writeUInt32BE(MAX_RP_HEADER_BYTES);
    expect(() => createReturnPathDecoder().push(at)).not.toThrow();
    const s = createStreamDecoder();
    const big = Buffer.alloc(4);
    big.writeUInt32BE(MAX_HEADER_BYTES + 1);
    expect(() => s.push(big)).toThrow(`migration stream: frame header of ${MAX_HEADER_BYTES + 1} bytes exceeds the maximum of ${MAX_HEADER_BYTES}`);
    const headerOnly = encodeFrameHeader({ section: { type: livemig.SectionType.SECTION_PART, sectionId: 1 } }, MAX_PAYLOAD_BYTES + 1);
    expect(() => createStreamDecoder().push(headerOnly)).toThrow(`migration stream: frame payload of ${MAX_PAYLOAD_BYTES + 1} bytes exceeds the maximum of ${MAX_PAYLOAD_BYTES}`);
    const small = createStreamDecoder({ maxPayloadBytes: 3 });
    expect(() => small.push(Buffer.concat(encodeFrame({ eof: {} }, [bytes(4)])))).toThrow('migration stream: frame payload of 4 bytes exceeds the maximum of 3');
    // The return path never has payloads: payloadLength in an RpMessage does not exist, a frame is its header.
    const msgs = createReturnPathDecoder().push(Buffer.concat([encodeRpMessage({ pong: { value: 3 } }), encodeRpMessage({ configAccepted: {} })]));
    expect(msgs.map((m) => [m.message.body, m.payloadLength])).toEqual([
      ['pong', 0],
      ['configAccepted', 0],
    ]);
    // A sink given to the stream codec is used.
    let asked = 0;
    const target = Buffer.alloc(4);
    const sunk = createStreamDecoder({ payloadSink: () => (asked++, [target]) });
    const f = sunk.push(Buffer.concat(encodeFrame({ section: { type: livemig.SectionType.SECTION_PART } }, [bytes(4)])));
    expect(asked).toBe(1);
    expect(f[0]!.inPlace).toBe(true);
    expect(target).toEqual(bytes(4));
  });

  it('encodeFrame: the header states the payload length; the payload views follow untouched', () => {
    const p = [bytes(3), bytes(5, 9)];
    const parts = encodeFrame({ eof: {} }, p);
    expect(parts).toHaveLength(3);
    expect(parts[1]).toBe(p[0]);
    expect(parts[2]).toBe(p[1]);
    const [f] = createStreamDecoder().push(Buffer.concat(parts));
    expect(f!.payloadLength).toBe(8);
    expect(Buffer.concat(f!.payload)).toEqual(Buffer.concat(p));
    expect(parts[0]!.readUInt32BE(0)).toBe(parts[0]!.length - 4);
    expect(encodeFrame({ eof: {} })).toHaveLength(1);
  });
});

describe('FrameDecoder small chunks', () => {
  it('a payload trickled in tiny chunks is gathered into one tail buffer and comes out as one slice', () => {
    const d = decoder();
    const payload = bytes(3000);
    const f = frame(1, payload);
    const out: DecodedFrame<Msg>[] = [];
    for (let i = 0; i < f.length; i += 100) out.push(...d.push(Buffer.from(f.subarray(i, i + 100))));
    expect(out).toHaveLength(1);
    expect(out[0]!.payload).toHaveLength(1);
    expect(out[0]!.payload[0]).toEqual(payload);
  });

  it('a large chunk is kept as it is (zero copy), and small chunks after it start a new tail', () => {
    const d = decoder();
    const payload = bytes(10_000);
    const f = frame(1, payload);
    const big = Buffer.from(f.subarray(0, 8000));
    const out: DecodedFrame<Msg>[] = [];
    out.push(...d.push(big));
    for (let i = 8000; i < f.length; i += 500) out.push(...d.push(Buffer.from(f.subarray(i, i + 500))));
    expect(out).toHaveLength(1);
    const slices = out[0]!.payload;
    expect(slices).toHaveLength(2);
    expect(slices[0]!.buffer).toBe(big.buffer); // a view of the pushed chunk
    expect(Buffer.concat(slices)).toEqual(payload);
  });

  it('small chunks go on into the tail after a frame ended in it, and a full tail starts a fresh one', () => {
    const d = decoder();
    const frames = Array.from({ length: 40 }, (_, i) => frame(i, bytes(3000, i)));
    const wire = Buffer.concat(frames);
    const out: DecodedFrame<Msg>[] = [];
    for (let i = 0; i < wire.length; i += 1000) out.push(...d.push(Buffer.from(wire.subarray(i, i + 1000))));
    expect(out.map((f) => f.message.id)).toEqual(frames.map((_, i) => i));
    out.forEach((f, i) => expect(Buffer.concat(f.payload)).toEqual(bytes(3000, i)));
    // 40 × ~3 KB through 64 KiB tails: most payloads are single slices, a few straddle two tails.
    const multi = out.filter((f) => f.payload.length > 1).length;
    expect(multi).toBeGreaterThan(0);
    expect(multi).toBeLessThanOrEqual(2);
  });

  it('small chunks that fill a tail buffer exactly stay in it (one slice); the next byte starts a new one', () => {
    const d = decoder();
    const total = 64 * 1024;
    const payload = bytes(total - 4 - `1,${total}`.length + 100);
    const f = frame(1, payload);
    const out: DecodedFrame<Msg>[] = [];
    // 16 chunks of 4000 bytes and one of 1536: exactly 64 KiB, then the rest.
    let at = 0;
    for (const n of [...Array(16).fill(4000), 1536, 100]) {
      out.push(...d.push(Buffer.from(f.subarray(at, at + n))));
      at += n;
    }
    expect(at).toBe(f.length);
    expect(out).toHaveLength(1);
    expect(out[0]!.payload.map((p) => p.length)).toEqual([payload.length - 100, 100]);
    expect(Buffer.concat(out[0]!.payload)).toEqual(payload);
  });

  it('a chunk of exactly 4096 bytes is kept as it is; 4095 is copied', () => {
    const payload = bytes(8192);
    const f = frame(1, payload);
    const head = f.length - payload.length;
    const d = decoder();
    d.push(Buffer.from(f.subarray(0, head)));
    const a = Buffer.from(f.subarray(head, head + 4096));
    const b = Buffer.from(f.subarray(head + 4096));
    d.push(a);
    const [out] = d.push(b);
    expect(out!.payload[0]!.buffer).toBe(a.buffer);
    expect(out!.payload[1]!.buffer).toBe(b.buffer);
    const e = decoder();
    e.push(Buffer.from(f.subarray(0, head)));
    const c = Buffer.from(f.subarray(head, head + 4095));
    e.push(c);
    const [out2] = e.push(Buffer.from(f.subarray(head + 4095)));
    expect(out2!.payload[0]!.buffer).not.toBe(c.buffer);
    expect(Buffer.concat(out2!.payload)).toEqual(payload);
  });

  it('a header split over chunks is copied together; a header inside one chunk is read where it is', () => {
    const d = decoder();
    const f = frame(12345, bytes(20));
    const out: DecodedFrame<Msg>[] = [];
    out.push(...d.push(f.subarray(0, 6)));
    out.push(...d.push(f.subarray(6, 9)));
    out.push(...d.push(f.subarray(9)));
    expect(out.map((x) => x.message)).toEqual([{ id: 12345, len: 20 }]);
    expect(Buffer.concat(out[0]!.payload)).toEqual(bytes(20));
  });
});

describe('FrameDecoder direct reads', () => {
  it('directTarget: only in a sink, with nothing buffered, not paused, and at least minBytes left', () => {
    const target = Buffer.alloc(100);
    const d = decoder({ sink: () => [target.subarray(0, 40), target.subarray(40)] });
    expect(d.directTarget()).toBeNull(); // no frame yet
    const payload = bytes(100);
    const f = frame(1, payload);
    const head = f.length - payload.length;
    d.push(f.subarray(0, head));
    expect(d.directTarget()!.length).toBe(40);
    expect(d.directTarget(40)!.length).toBe(40);
    expect(d.directTarget(41)).toBeNull();
    d.pause();
    expect(d.directTarget()).toBeNull();
    d.resume(() => undefined);
    // Pushed bytes go into the regions at once: 10 in, 30 left in the first region.
    d.push(f.subarray(head, head + 10));
    expect(d.pendingBytes).toBe(0);
    expect(d.directTarget()!.length).toBe(30);
    expect(d.directTarget(30)!.length).toBe(30);
    expect(d.directTarget(31)).toBeNull();
    expect(() => d.pushDirect(31, () => undefined)).toThrow('direct read of 31 bytes overruns the payload region');
    const frames: DecodedFrame<Msg>[] = [];
    payload.copy(d.directTarget()!, 0, 10, 40);
    d.pushDirect(30, (x) => frames.push(x));
    // Into the second region.
    const t2 = d.directTarget()!;
    expect(t2.length).toBe(60);
    expect(() => d.pushDirect(61, () => undefined)).toThrow(RangeError);
    expect(() => d.pushDirect(61, () => undefined)).toThrow('direct read of 61 bytes overruns the payload region');
    payload.copy(t2, 0, 40, 100);
    d.pushDirect(60, (x) => frames.push(x));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.inPlace).toBe(true);
    expect(frames[0]!.payload).toEqual([]);
    expect(frames[0]!.wireBytes).toBe(f.length);
    expect(target).toEqual(payload);
    expect(d.directTarget()).toBeNull();
    expect(d.atFrameBoundary).toBe(true);
  });

  it('pushDirect without an open sink region, or while bytes are buffered, is an error', () => {
    const d = decoder({ sink: () => [Buffer.alloc(10)] });
    expect(() => d.pushDirect(1, () => undefined)).toThrow('test stream: direct bytes without a payload sink');
    const f = frame(1, bytes(10));
    const head = f.length - 10;
    d.push(f.subarray(0, head));
    d.pause();
    d.push(Buffer.from([1])); // buffered while paused
    expect(() => d.pushDirect(1, () => undefined)).toThrow('test stream: direct bytes without a payload sink');
  });

  it('a sink region of zero bytes is refused, as is a sink that covers too much', () => {
    const f = frame(1, bytes(10));
    expect(() => decoder({ sink: () => [Buffer.alloc(10), Buffer.alloc(0)] }).push(f)).toThrow('payload sink regions cover 10 of 10 bytes');
    expect(() => decoder({ sink: () => [Buffer.alloc(11)] }).push(f)).toThrow('payload sink regions cover 11 of 10 bytes');
    // No sink call for a frame without payload; a null answer means slices.
    let calls = 0;
    const d = decoder({ sink: () => (calls++, null) });
    const out = d.push(Buffer.concat([frame(1, Buffer.alloc(0)), frame(2, bytes(3))]));
    expect(calls).toBe(1);
    expect(out[1]!.inPlace).toBe(false);
    expect(Buffer.concat(out[1]!.payload)).toEqual(bytes(3));
  });

  it('pushed bytes fill several regions in order, across chunk boundaries', () => {
    const regions = [Buffer.alloc(3), Buffer.alloc(5), Buffer.alloc(2)];
    const d = decoder({ sink: () => regions });
    const payload = bytes(10);
    const f = frame(1, payload);
    const out: DecodedFrame<Msg>[] = [];
    for (let i = 0; i < f.length; i += 4) out.push(...d.push(Buffer.from(f.subarray(i, i + 4))));
    expect(out).toHaveLength(1);
    expect(Buffer.concat(regions)).toEqual(payload);
  });
});
